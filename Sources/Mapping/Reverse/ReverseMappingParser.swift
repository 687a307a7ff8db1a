import FHIR
import Foundation

/// Reads the text of one FHIR → HL7 v2 mapping file into a ``ReverseMappingFile``, collecting
/// every error with its line and column. A line is `SOURCE -> TARGET [via MAP] [if CONDITION]`
/// with a FHIRPath source and condition (which may hold spaces, quotes and parentheses: the
/// line splits at the first `->` outside them, and the condition is all the text after `if`).
struct ReverseMappingParser {
    let file: String
    let name: String
    var errors: [MappingError] = []

    init(file: String, name: String) {
        self.file = file
        self.name = name
    }

    typealias Line = MappingLine

    /// A line split at `->`: the source, the words of the target side, and the condition.
    struct Parts {
        var isEach: Bool
        var source: Substring
        var sourceColumn: Int
        var target: String
        var via: MappingFile.Conversion?
        var condition: Substring?
        var conditionColumn: Int
    }

    mutating func parse(_ text: String) -> ReverseMappingFile? {
        var lines: [Line] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let line = MappingLine(raw, number: index + 1, file: file, errors: &errors) { lines.append(line) }
        }
        guard let header = lines.first else {
            errors.append(MappingError(file: file, "the file is empty; it starts with datatype, segment or message"))
            return nil
        }
        guard var file = self.header(header) else { return nil }
        var body = lines.dropFirst()[...]
        switch file.kind {
        case .datatype, .segment:
            let segment: String? = if case .segment(_, let target) = file.kind { target } else { nil }
            while let line = body.first {
                body.removeFirst()
                if line.indent > 0 {
                    fail(line, line.column, "rules of a FHIR → v2 data-type or segment map are not indented (a FHIRPath source selects the repetitions)")
                    continue
                }
                if let rule = rule(line, segment: segment) { file.rules.append(rule) }
            }
        case .message:
            file.segments = segmentRules(&body, indent: 0)
            for line in body { fail(line, line.column, "indented under nothing") }
        }
        return file
    }

    // MARK: Header

    mutating func header(_ line: Line) -> ReverseMappingFile? {
        let words = line.text.split(separator: " ").map(String.init)
        switch words.first {
        case "datatype", "segment":
            guard words.count == 4, words[2] == "->" else {
                fail(line, line.column, "expected `\(words[0]) FHIRTYPE -> V2TYPE`")
                return nil
            }
            if words[0] == "segment", !MappingParser.isSegmentID(words[3]) {
                fail(line, line.column, "\(words[3]) is not a segment ID")
                return nil
            }
            let kind: ReverseMappingFile.Kind = words[0] == "datatype"
                ? .datatype(source: words[1], target: words[3]) : .segment(source: words[1], target: words[3])
            return ReverseMappingFile(name: name, file: file, kind: kind, condition: nil, rules: [], segments: [])
        case "message":
            guard words.count >= 4, words[1] == "Bundle", words[2] == "->" else {
                fail(line, line.column, "expected `message Bundle -> TYPE^EVENT^STRUCTURE [version V] [if CONDITION]`")
                return nil
            }
            let type = words[3].split(separator: "^", omittingEmptySubsequences: false)
            guard (2...3).contains(type.count), MappingParser.isEvent(type.prefix(2).joined(separator: "^")) else {
                fail(line, line.column, "\(words[3]) is not a message type such as ORU^R01^ORU_R01")
                return nil
            }
            var version = "2.5.1"
            var index = 4
            if words.count > index, words[index] == "version" {
                guard words.count > index + 1 else {
                    fail(line, line.column, "version needs an HL7 version such as 2.5.1")
                    return nil
                }
                version = words[index + 1]
                index += 2
            }
            var condition: ReverseMappingFile.Expression?
            if words.count > index {
                guard words[index] == "if", let range = line.text.range(of: " if ") else {
                    fail(line, line.column, "unexpected \(words[index]); after the message type come `version V` and `if CONDITION`")
                    return nil
                }
                let text = line.text[range.upperBound...]
                condition = expression(text, line: line, column: line.column + line.text.distance(from: line.text.startIndex, to: range.upperBound))
                if condition == nil { return nil }
            }
            return ReverseMappingFile(
                name: name, file: file, kind: .message(messageType: words[3], version: version), condition: condition, rules: [], segments: [])
        default:
            fail(line, line.column, "a mapping file starts with datatype, segment or message")
            return nil
        }
    }

    // MARK: Rules

    mutating func rule(_ line: Line, segment: String?) -> ReverseMappingFile.Rule? {
        guard let parts = parts(line, allowsEach: false) else { return nil }
        let source: ReverseMappingFile.Source
        if parts.source.count >= 2, parts.source.hasPrefix("\""), parts.source.hasSuffix("\""), !parts.source.dropFirst().dropLast().contains("\"") {
            source = .constant(String(parts.source.dropFirst().dropLast()))
        } else {
            guard let expression = expression(parts.source, line: line, column: parts.sourceColumn) else { return nil }
            source = .expression(expression)
        }
        guard let target = target(parts.target, line: line, segment: segment) else { return nil }
        var condition: ReverseMappingFile.Expression?
        if let text = parts.condition {
            guard let parsed = expression(text, line: line, column: parts.conditionColumn) else { return nil }
            condition = parsed
        }
        return ReverseMappingFile.Rule(line: line.number, source: source, target: target, conversion: parts.via, condition: condition)
    }

    mutating func target(_ text: String, line: Line, segment: String?) -> ReverseMappingFile.Target? {
        let sourceHint = "a target is a component (.1, .4.1) in a data-type map, a field (PID-3, PID-3.1) in a segment map"
        if text.hasPrefix(".") {
            guard segment == nil else {
                fail(line, line.column, "\(text): a segment map's targets are fields such as \(segment!)-3 (components: \(segment!)-3.1)")
                return nil
            }
            guard let path = Self.numbers(text.dropFirst()), (1...2).contains(path.count) else {
                fail(line, line.column, "\(text) is not a component path such as .1 or .4.1")
                return nil
            }
            return .component(path)
        }
        let pieces = text.split(separator: "-", maxSplits: 1)
        guard pieces.count == 2, MappingParser.isSegmentID(String(pieces[0])), let segment else {
            fail(line, line.column, "\(text) is not a target: \(sourceHint)")
            return nil
        }
        guard pieces[0] == segment else {
            fail(line, line.column, "this map makes \(segment) segments; \(text) is a field of \(pieces[0])")
            return nil
        }
        guard let numbers = Self.numbers(pieces[1]), (1...3).contains(numbers.count) else {
            fail(line, line.column, "\(text) is not a field path such as PID-3 or PID-3.4.1")
            return nil
        }
        return .field(segment: segment, field: numbers[0], components: Array(numbers.dropFirst()))
    }

    // MARK: Message maps

    mutating func segmentRules(_ lines: inout ArraySlice<Line>, indent: Int) -> [ReverseMappingFile.SegmentRule] {
        var rules: [ReverseMappingFile.SegmentRule] = []
        while let line = lines.first, line.indent == indent {
            lines.removeFirst()
            var rule = segmentRule(line)
            if let next = lines.first, next.indent > line.indent {
                let children = segmentRules(&lines, indent: next.indent)
                rule?.children = children
            }
            if let rule { rules.append(rule) }
        }
        return rules
    }

    mutating func segmentRule(_ line: Line) -> ReverseMappingFile.SegmentRule? {
        guard let parts = parts(line, allowsEach: true) else { return nil }
        var map: String?
        if MappingParser.isSegmentID(parts.target) {
            guard case .datatype(let name)? = parts.via else {
                fail(line, line.column, "a segment is made by a segment map: `via SEGMENTMAP`")
                return nil
            }
            map = name
        } else {
            // A group (`ORDER_OBSERVATION`): no segment of its own, and no map.
            guard Self.isGroupName(parts.target), parts.via == nil else {
                fail(line, line.column, "a message map's line is `[each] FHIRPATH -> SEG via SEGMENTMAP` or `[each] FHIRPATH -> GROUP`; \(parts.target) is neither a segment ID nor a group name")
                return nil
            }
        }
        guard let source = expression(parts.source, line: line, column: parts.sourceColumn) else { return nil }
        var condition: ReverseMappingFile.Expression?
        if let text = parts.condition {
            guard let parsed = expression(text, line: line, column: parts.conditionColumn) else { return nil }
            condition = parsed
        }
        return ReverseMappingFile.SegmentRule(
            line: line.number, isEach: parts.isEach, source: source, segment: parts.target, map: map, condition: condition, children: [])
    }

    // MARK: Lines

    /// Splits a rule line at its top-level `->`, then the target side into words.
    mutating func parts(_ line: Line, allowsEach: Bool) -> Parts? {
        var text = line.text
        var sourceColumn = line.column
        var isEach = false
        if allowsEach, text.hasPrefix("each ") {
            isEach = true
            text = text.dropFirst(5).drop { $0 == " " }
            sourceColumn += line.text.count - text.count
        }
        guard let arrow = MappingLine.topLevel("->", in: text)?.lowerBound else {
            fail(line, line.column, "expected `SOURCE -> TARGET [via MAP] [if CONDITION]`")
            return nil
        }
        let source = text[..<arrow].trimmingSuffix(" ")
        guard !source.isEmpty else {
            fail(line, line.column, "the source (a FHIRPath expression or a quoted constant) is missing")
            return nil
        }
        let right = text[text.index(arrow, offsetBy: 2)...]
        var condition: Substring?
        var conditionColumn = 0
        var targetSide = right
        if let range = right.range(of: " if ") {
            targetSide = right[..<range.lowerBound]
            condition = right[range.upperBound...].drop { $0 == " " }
            conditionColumn = sourceColumn + text.distance(from: text.startIndex, to: condition!.startIndex)
        }
        let words = targetSide.split(separator: " ").map(String.init)
        guard let target = words.first else {
            fail(line, line.column, "the target is missing after ->")
            return nil
        }
        var via: MappingFile.Conversion?
        if words.count > 1 {
            switch (words[1], words.count) {
            case ("via", 3):
                via = MappingFile.Builtin(rawValue: words[2]).map { .builtin($0) } ?? .datatype(words[2])
            case ("via", 4) where words[2] == "vocabulary":
                via = .vocabulary(words[3])
            default:
                fail(line, line.column, "after the target come `via MAP`, `via vocabulary NAME` and `if CONDITION`")
                return nil
            }
        }
        return Parts(isEach: isEach, source: source, sourceColumn: sourceColumn, target: target, via: via, condition: condition, conditionColumn: conditionColumn)
    }

    mutating func expression(_ text: Substring, line: Line, column: Int) -> ReverseMappingFile.Expression? {
        ReverseMappingFile.Expression(compiling: text, file: file, line: line.number, column: column, errors: &errors)
    }

    mutating func fail(_ line: Line, _ column: Int, _ message: String) {
        errors.append(MappingError(file: file, line: line.number, column: column, message))
    }

    /// A group name as the HL7 message structures write them: `ORDER_OBSERVATION`.
    static func isGroupName(_ text: String) -> Bool {
        text.count > 3 && text.first?.isUppercase == true && text.allSatisfy { ($0.isUppercase && $0.isASCII) || $0.isNumber || $0 == "_" }
    }

    static func numbers(_ text: Substring) -> [Int]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let numbers = parts.compactMap { Int($0) }
        return numbers.count == parts.count && numbers.allSatisfy { $0 >= 1 } ? numbers : nil
    }
}

extension Substring {
    /// Without the trailing repetitions of `character`.
    func trimmingSuffix(_ character: Character) -> Substring {
        var text = self
        while text.last == character { text = text.dropLast() }
        return text
    }
}
