/// Reads the text of one mapping file (see `docs/MAPPING.md`) into a ``MappingFile``, collecting
/// every error with its line and column.
struct MappingParser {
    let file: String
    let name: String
    var errors: [MappingError] = []

    init(file: String, name: String) {
        self.file = file
        self.name = name
    }

    /// One line split into words: quoted strings are one word (quotes kept), `(`, `)` and `,`
    /// are words of their own.
    struct Line {
        var number: Int
        var indent: Int
        var words: [(text: String, column: Int)]
    }

    mutating func parse(_ text: String) -> MappingFile? {
        var lines: [Line] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let line = split(raw, number: index + 1), !line.words.isEmpty { lines.append(line) }
        }
        guard let header = lines.first else {
            errors.append(MappingError(file: file, "the file is empty; it starts with datatype, segment or message"))
            return nil
        }
        let body = lines.dropFirst()
        let words = header.words.map(\.text)
        switch words.first {
        case "datatype", "segment":
            guard words.count == 4, words[2] == "->" else {
                fail(header, 1, "expected `\(words[0]) SOURCE -> FHIRTYPE`")
                return nil
            }
            let kind: MappingFile.Kind = words[0] == "datatype"
                ? .datatype(source: words[1], target: words[3])
                : .segment(source: words[1], target: words[3])
            if case .segment = kind, !Self.isSegmentID(words[1]) { fail(header, 1, "\(words[1]) is not a segment ID") }
            var remaining = body[...]
            let rules = fieldRules(&remaining, indent: 0, segment: words[0] == "segment" ? words[1] : nil, inBlock: false)
            for line in remaining { fail(line, 0, "indented under nothing") }
            return MappingFile(name: name, file: file, kind: kind, rules: rules, resources: [])
        case "message":
            guard let arrow = words.firstIndex(of: "->"), arrow > 1, words.count == arrow + 3, words[arrow + 1] == "Bundle" else {
                fail(header, 1, "expected `message TYPE^EVENT … -> Bundle BUNDLETYPE`")
                return nil
            }
            let events = Array(words[1..<arrow])
            for (index, event) in events.enumerated() where !Self.isEvent(event) {
                fail(header, index + 1, "\(event) is not a TYPE^EVENT such as ADT^A01")
            }
            let bundleType = words[arrow + 2]
            if !["message", "collection", "transaction", "batch"].contains(bundleType) {
                fail(header, arrow + 2, "the Bundle type is message, collection, transaction or batch, not \(bundleType)")
            }
            var remaining = body[...]
            let resources = resourceRules(&remaining, indent: 0)
            for line in remaining { fail(line, 0, "indented under nothing") }
            var file = MappingFile(name: name, file: self.file, kind: .message(events: events, bundleType: bundleType), rules: [], resources: resources)
            resolveOwners(&file.resources, names: Set(Self.names(in: resources)))
            return file
        case "profile":
            guard words.count == 2, words[1] == name else {
                fail(header, 1, "expected `profile \(name)` (the file's name)")
                return nil
            }
            var file = MappingFile(name: name, file: self.file, kind: .profile(name), rules: [], resources: [])
            for line in body {
                let words = line.words.map(\.text)
                if words.count == 4, words[1] == "conforms", words[2] == "to" {
                    file.profile.claims.append(.init(line: line.number, resourceType: words[0], profile: words[3]))
                } else if words.count == 7, words[1] == "conforms", words[2] == "to", words[4] == "if", words[6] == "exists" || words[6] == "missing" {
                    let path = words[5].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                    guard path.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber } }) else {
                        fail(line, 5, "expected an element path such as `diagnosis.use` after `if`")
                        continue
                    }
                    file.profile.claims.append(
                        .init(line: line.number, resourceType: words[0], profile: words[3], condition: (path, words[6] == "exists")))
                } else if words.count == 4, words[0] == "use", words[2] == "for" {
                    file.profile.substitutions.append(.init(line: line.number, variant: words[1], replaced: words[3]))
                } else {
                    fail(line, 0, "expected `TYPE conforms to PROFILE-URL [if PATH exists|missing]` or `use VARIANT for MAP`")
                }
            }
            return file
        default:
            fail(header, 0, "a mapping file starts with datatype, segment, message or profile")
            return nil
        }
    }

    // MARK: Field and component rules

    /// The rules at one indentation, each with the block indented under it.
    mutating func fieldRules(_ lines: inout ArraySlice<Line>, indent: Int, segment: String?, inBlock: Bool) -> [MappingFile.Rule] {
        var rules: [MappingFile.Rule] = []
        while let line = lines.first, line.indent == indent {
            lines.removeFirst()
            var parsed = rule(line, segment: segment, inBlock: inBlock)
            if let next = lines.first, next.indent > line.indent {
                let children = fieldRules(&lines, indent: next.indent, segment: segment, inBlock: true)
                if parsed != nil {
                    if parsed!.conversion != nil {
                        fail(line, 0, "a rule with a block under it makes a new item per value; it takes no via")
                        parsed = nil
                    } else {
                        parsed!.children = children
                    }
                }
            }
            if let parsed { rules.append(parsed) }
        }
        return rules
    }

    mutating func rule(_ line: Line, segment: String?, inBlock: Bool = false) -> MappingFile.Rule? {
        var words = line.words.map(\.text)
        // `A + " " + B -> …`: the sources before the arrow, joined (odd words are `+`).
        let arrow = words.firstIndex(of: "->") ?? 1
        guard words.count >= arrow + 2, arrow % 2 == 1, words[arrow] == "->",
              stride(from: 1, to: arrow, by: 2).allSatisfy({ words[$0] == "+" }) else {
            fail(line, 0, "expected `SOURCE -> TARGET [via MAP] [if CONDITION]` (SOURCE may be `A + \" \" + B`)")
            return nil
        }
        var parts: [MappingFile.Source] = []
        for word in stride(from: 0, to: arrow, by: 2) {
            guard let part = source(words[word], line: line, word: word, segment: segment, inBlock: inBlock) else { return nil }
            parts.append(part)
        }
        if parts.count > 1, !parts.contains(where: { if case .constant = $0 { false } else { true } }) {
            fail(line, 0, "a joined source needs a field or component; constants alone are one constant")
            return nil
        }
        let source = parts.count == 1 ? parts[0] : .joined(parts)
        // From here on the rule reads as `SOURCE -> TARGET …`; `offset` maps a word back to the line's.
        words.replaceSubrange(0..<arrow, with: [source.description])
        let offset = arrow - 1
        guard let target = targetPath(words[2], line: line, word: arrow + 1) else { return nil }
        var index = 3
        var conversion: MappingFile.Conversion?
        if index < words.count, words[index] == "via" {
            index += 1
            guard index < words.count else {
                fail(line, index - 1 + offset, "via needs a map: a data-type map, vocabulary NAME or a built-in conversion")
                return nil
            }
            if words[index] == "vocabulary" {
                guard index + 1 < words.count else {
                    fail(line, index + offset, "vocabulary needs the name of a ConceptMap file")
                    return nil
                }
                conversion = .vocabulary(words[index + 1])
                index += 2
            } else if let builtin = MappingFile.Builtin(rawValue: words[index]) {
                conversion = .builtin(builtin)
                index += 1
            } else {
                conversion = .datatype(words[index])
                index += 1
            }
        }
        var conditions: [MappingFile.Condition] = []
        if index < words.count, words[index] == "if" {
            // `if A and B and C`: split at the word `and`.
            var start = index + 1
            while start < words.count {
                let end = words[start...].firstIndex(of: "and") ?? words.count
                guard let condition = self.condition(line, from: start + offset, to: end + offset, segment: segment, inBlock: inBlock) else { return nil }
                conditions.append(condition)
                start = end + 1
            }
            index = words.count
        }
        if index < words.count {
            fail(line, index + offset, "unexpected \(words[index]); after the target come `via MAP` and `if CONDITION`")
            return nil
        }
        return MappingFile.Rule(line: line.number, source: source, target: target, conversion: conversion, conditions: conditions)
    }

    mutating func condition(_ line: Line, from start: Int, to end: Int, segment: String?, inBlock: Bool) -> MappingFile.Condition? {
        let words = Array(line.words.map(\.text)[..<end])
        let outputPath = words.indices.contains(start) && Self.isElementName(String(words[start].split(separator: ".").first ?? ""))
            ? words[start].split(separator: ".").map(String.init) : nil
        guard start + 1 < words.count,
              let source = outputPath.map({ MappingFile.Source.output($0) }) ?? source(words[start], line: line, word: start, segment: segment, inBlock: inBlock) else {
            fail(line, min(start, line.words.count - 1), "expected a condition: SOURCE exists, missing, = \"V\", != \"V\" or in (\"A\", \"B\")")
            return nil
        }
        let rest = Array(words[(start + 1)...])
        switch rest.first {
        case "exists" where rest.count == 1: return .init(source: source, test: .exists)
        case "missing" where rest.count == 1: return .init(source: source, test: .missing)
        case "repeats" where rest.count == 1: return .init(source: source, test: .repeats)
        case "single" where rest.count == 1: return .init(source: source, test: .single)
        case "=" where rest.count == 2: return .init(source: source, test: .equals(Self.unquoted(rest[1])))
        case "!=" where rest.count == 2: return .init(source: source, test: .notEquals(Self.unquoted(rest[1])))
        case "matches" where rest.count == 2:
            let pattern = Self.unquoted(rest[1])
            guard (try? Regex(pattern)) != nil else {
                fail(line, start + 2, "not a regular expression: \(rest[1])")
                return nil
            }
            return .init(source: source, test: .matches(pattern))
        case "in" where rest.count >= 4 && rest[1] == "(" && rest.last == ")":
            let items = rest[2..<(rest.count - 1)].filter { $0 != "," }
            return .init(source: source, test: .oneOf(items.map(Self.unquoted)))
        default:
            fail(line, start + 1, "expected exists, missing, = \"V\", != \"V\", in (\"A\", \"B\") or matches \"REGEX\" after \(words[start])")
            return nil
        }
    }

    mutating func source(_ text: String, line: Line, word: Int, segment: String?, inBlock: Bool = false) -> MappingFile.Source? {
        if text.hasPrefix("\"") { return .constant(Self.unquoted(text)) }
        if text == "." {
            guard segment == nil || inBlock else {
                fail(line, word, "`.` is the value a block runs for; this rule is not in a block")
                return nil
            }
            return .component([])
        }
        if text.hasPrefix(".") {
            guard segment == nil || inBlock else {
                fail(line, word, "a segment map's sources are fields such as \(segment ?? "PID")-3 (components: \(segment ?? "PID")-3.1)")
                return nil
            }
            let parts = text.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
            let numbers = parts.compactMap { Int($0) }
            guard numbers.count == parts.count, (1...3).contains(numbers.count), numbers.allSatisfy({ $0 >= 1 }) else {
                fail(line, word, "\(text) is not a component path such as .1 or .4.1")
                return nil
            }
            return .component(numbers)
        }
        let pieces = text.split(separator: "-", maxSplits: 1)
        guard pieces.count == 2, Self.isSegmentID(String(pieces[0])) else {
            fail(line, word, "\(text) is not a source: a field (PID-3), a component (.1) or a quoted constant")
            return nil
        }
        guard segment != nil else {
            fail(line, word, "a data-type map's sources are components such as .1, not fields")
            return nil
        }
        if let segment, pieces[0] != segment {
            fail(line, word, "this map converts \(segment) segments; \(text) is a field of \(pieces[0])")
            return nil
        }
        let numbers = pieces[1].split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard let field = numbers.first ?? nil, field >= 1, numbers.count <= 3, numbers.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            fail(line, word, "\(text) is not a field path such as PID-3 or PID-3.4.1")
            return nil
        }
        return .field(segment: String(pieces[0]), field: field, components: numbers.dropFirst().map { $0! })
    }

    mutating func targetPath(_ text: String, line: Line, word: Int) -> [String]? {
        let names = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        // `identifier[+]`: a new item of a repeating element rather than the last one.
        guard names.allSatisfy({ Self.isElementName($0.hasSuffix("[+]") ? String($0.dropLast(3)) : $0) }) else {
            fail(line, word, "\(text) is not a FHIR element path such as name.family")
            return nil
        }
        return names
    }

    // MARK: Message maps

    /// The resource rules at one indentation, each with the lines indented under it.
    mutating func resourceRules(_ lines: inout ArraySlice<Line>, indent: Int) -> [MappingFile.ResourceRule] {
        var rules: [MappingFile.ResourceRule] = []
        while let line = lines.first, line.indent == indent {
            lines.removeFirst()
            guard var rule = resourceRule(line) else {
                // Skip what is indented under a line that failed.
                while let next = lines.first, next.indent > line.indent { lines.removeFirst() }
                continue
            }
            // The lines indented under it: references, then nested rules.
            while let next = lines.first, next.indent > line.indent, !next.words.contains(where: { $0.text == "->" }) {
                lines.removeFirst()
                if let reference = referenceRule(next) { rule.references.append(reference) }
            }
            if let next = lines.first, next.indent > line.indent {
                rule.children = resourceRules(&lines, indent: next.indent)
            }
            rules.append(rule)
        }
        return rules
    }

    mutating func resourceRule(_ line: Line) -> MappingFile.ResourceRule? {
        var words = line.words.map(\.text)
        var offset = 0
        let isEach = words.first == "each"
        if isEach {
            words.removeFirst()
            offset = 1
        }
        // `each OBX before OBR`: only the segments before the first OBR of the scope.
        var before: String?
        if words.count > 2, words[1] == "before" {
            guard Self.isSegmentID(words[2]) else {
                fail(line, 2 + offset, "before needs a segment ID, such as OBR")
                return nil
            }
            before = words[2]
            words.removeSubrange(1...2)
            offset += 2
        }
        guard words.count >= 5, words[1] == "->", Self.isSegmentID(words[0]) else {
            fail(line, 0, "expected `[each] SEG [before SEG] -> ResourceType [as name] via SEGMENTMAP` or `[each] SEG [before SEG] -> name via SEGMENTMAP`")
            return nil
        }
        var index = 3
        var name: String?
        if words[index] == "as" {
            guard index + 1 < words.count, Self.isName(words[index + 1]) else {
                fail(line, index + offset, "as needs a name (lower case letters, digits, -)")
                return nil
            }
            name = words[index + 1]
            index += 2
        }
        guard index + 2 <= words.count, words[index] == "via" else {
            fail(line, index + offset, "expected via SEGMENTMAP")
            return nil
        }
        // `if A and B`: conditions on the segment's own fields, or on the segments of its group.
        var conditions: [MappingFile.Condition] = []
        var groupTests: [MappingFile.GroupTest] = []
        if index + 2 < words.count {
            guard words[index + 2] == "if", index + 3 < words.count else {
                fail(line, index + 2 + offset, "unexpected \(words[index + 2]); after via SEGMENTMAP comes `if CONDITION`")
                return nil
            }
            var start = index + 3 + offset
            let all = line.words.map(\.text)
            while start < all.count {
                let end = all[start...].firstIndex(of: "and") ?? all.count
                if end == start + 2, Self.isSegmentID(all[start]), ["exists", "missing"].contains(all[start + 1]) {
                    groupTests.append(MappingFile.GroupTest(segment: all[start], exists: all[start + 1] == "exists"))
                    start = end + 1
                    continue
                }
                guard let condition = self.condition(line, from: start, to: end, segment: words[0], inBlock: false) else { return nil }
                if case .output = condition.source {
                    fail(line, start, "a resource line's condition tests fields of its segment, such as \(words[0])-2")
                    return nil
                }
                conditions.append(condition)
                start = end + 1
            }
        }
        let isType = words[2].first?.isUppercase == true
        if !isType, name != nil {
            fail(line, 3 + offset, "a line that adds to the resource \(words[2]) does not name a new one")
            return nil
        }
        return MappingFile.ResourceRule(
            line: line.number, isEach: isEach, segment: words[0], resourceType: isType ? words[2] : nil, into: isType ? nil : words[2],
            name: name, map: words[index + 1], conditions: conditions, groupTests: groupTests, before: before, references: [], children: [])
    }

    mutating func referenceRule(_ line: Line) -> MappingFile.ReferenceRule? {
        let words = line.words.map(\.text)
        guard words.count == 3, words[1] == "=" || words[1] == "+=", Self.isName(words[2]),
              let path = targetPath(words[0], line: line, word: 0) else {
            fail(line, 0, "expected `element = name` or `element += name` (a reference to a named resource)")
            return nil
        }
        return MappingFile.ReferenceRule(line: line.number, owner: nil, element: path, target: words[2], appends: words[1] == "+=")
    }

    /// `report.result += result`: the first name of the path is an owner when it names a resource.
    func resolveOwners(_ rules: inout [MappingFile.ResourceRule], names: Set<String>) {
        for index in rules.indices {
            for reference in rules[index].references.indices {
                let element = rules[index].references[reference].element
                if element.count > 1, names.contains(element[0]) {
                    rules[index].references[reference].owner = element[0]
                    rules[index].references[reference].element = Array(element.dropFirst())
                }
            }
            resolveOwners(&rules[index].children, names: names)
        }
    }

    static func names(in rules: [MappingFile.ResourceRule]) -> [String] {
        rules.flatMap { rule in (rule.name.map { [$0] } ?? []) + names(in: rule.children) }
    }

    // MARK: Words

    mutating func split(_ raw: Substring, number: Int) -> Line? {
        var words: [(String, Int)] = []
        var current = ""
        var start = 0
        var inQuote = false
        var indent = 0
        var counting = true
        for (offset, character) in raw.enumerated() {
            let column = offset + 1
            if counting {
                if character == " " { indent += 1; continue }
                if character == "\t" {
                    errors.append(MappingError(file: file, line: number, column: column, "indent with spaces, not tabs"))
                    return nil
                }
                counting = false
            }
            if inQuote {
                current.append(character)
                if character == "\"" {
                    inQuote = false
                    words.append((current, start))
                    current = ""
                }
                continue
            }
            if character == "#" { break }
            if character == "\"" {
                if !current.isEmpty { words.append((current, start)); current = "" }
                inQuote = true
                current = "\""
                start = column
                continue
            }
            if character == " " || character == "\t" || character == "\r" || character == "(" || character == ")" || character == "," {
                if !current.isEmpty { words.append((current, start)); current = "" }
                if character == "(" || character == ")" || character == "," { words.append((String(character), column)) }
                continue
            }
            if current.isEmpty { start = column }
            current.append(character)
        }
        if inQuote {
            errors.append(MappingError(file: file, line: number, column: start, "the quoted text is not closed"))
            return nil
        }
        if !current.isEmpty { words.append((current, start)) }
        return Line(number: number, indent: indent, words: words.map { (text: $0.0, column: $0.1) })
    }

    mutating func fail(_ line: Line, _ word: Int, _ message: String) {
        let column = line.words.indices.contains(word) ? line.words[word].column : line.words.last.map(\.column)
        errors.append(MappingError(file: file, line: line.number, column: column, message))
    }

    static func unquoted(_ text: String) -> String {
        text.count >= 2 && text.hasPrefix("\"") && text.hasSuffix("\"") ? String(text.dropFirst().dropLast()) : text
    }

    static func isSegmentID(_ text: String) -> Bool {
        text.utf8.count == 3 && text.utf8.allSatisfy { (0x41...0x5A).contains($0) || (0x30...0x39).contains($0) }
            && text.utf8.first.map { (0x41...0x5A).contains($0) } == true
    }

    static func isEvent(_ text: String) -> Bool {
        let parts = text.split(separator: "^", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isUppercase || $0.isNumber || $0 == "*" } }
    }

    static func isElementName(_ text: String) -> Bool {
        guard let first = text.first, first.isLetter, first.isLowercase else { return false }
        return text.allSatisfy { $0.isLetter || $0.isNumber }
    }

    static func isName(_ text: String) -> Bool {
        guard let first = text.first, first.isLowercase else { return false }
        return text.allSatisfy { ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "-" }
    }
}
