import FHIR
import Foundation
import Mapping

/// Reads the text of one FHIR → claims map into a ``ClaimMap`` and checks it against the claim
/// table definitions, collecting every error with its line and column: an unknown table, a field
/// the table does not have (or that 3176 removed), FHIRPath that does not parse, an unknown
/// conversion, a rule outside a block in a line table, a block in a flat one.
///
/// The line shape is the FHIR → HL7 v2 maps' (`SOURCE -> TARGET [via MAP] [if CONDITION]`, see
/// `docs/MAPPING.md`), the target a field name.
struct ClaimMapParser {
    let file: String
    let name: String
    let definitions: ClaimDefinitions
    /// The vocabulary maps a `via vocabulary NAME` may name.
    let vocabularies: Set<String>
    /// The FHIR definitions a source's leading element path is checked against.
    let fhirDefinitions: FHIR.Definitions
    var errors: [MappingError] = []

    init(file: String, name: String, definitions: ClaimDefinitions, vocabularies: Set<String>, fhirDefinitions: FHIR.Definitions = .r4) {
        self.file = file
        self.name = name
        self.definitions = definitions
        self.vocabularies = vocabularies
        self.fhirDefinitions = fhirDefinitions
    }

    typealias Line = MappingLine

    mutating func parse(_ text: String) -> ClaimMap? {
        var lines: [Line] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if let line = MappingLine(raw, number: index + 1, file: file, errors: &errors) { lines.append(line) }
        }
        guard let header = lines.first else {
            errors.append(MappingError(file: file, "the file is empty; it starts with `table XMLn`"))
            return nil
        }
        let words = header.text.split(separator: " ")
        guard header.indent == 0, words.count == 2, words[0] == "table" else {
            fail(header, header.column, "a claims map starts with `table XMLn`")
            return nil
        }
        guard let table = definitions[String(words[1])] else {
            fail(header, header.column + 6, "\(words[1]) is not a claim table (XML0 … XML15)")
            return nil
        }
        var map = ClaimMap(name: name, file: file, table: table, rules: [], blocks: [])
        for line in lines.dropFirst() {
            if line.indent == 0, line.text.hasPrefix("each ") {
                guard !table.isFlat else {
                    fail(line, line.column, "\(table.name) is a flat table (one record): its rules are not in `each` blocks")
                    continue
                }
                if let block = block(line) { map.blocks.append(block) }
            } else if line.indent == 0 {
                guard table.isFlat else {
                    fail(line, line.column, "\(table.name) has one record per line: rules go indented under `each FHIRPATH`")
                    continue
                }
                if let rule = rule(line, table: table, itemType: nil) { map.rules.append(rule) }
            } else {
                guard !map.blocks.isEmpty else {
                    fail(line, line.column, "indented under nothing")
                    continue
                }
                let itemType = Self.resourceType(selectedBy: map.blocks[map.blocks.count - 1].source.text)
                if let rule = rule(line, table: table, itemType: itemType) { map.blocks[map.blocks.count - 1].rules.append(rule) }
            }
        }
        return map
    }

    mutating func block(_ line: Line) -> ClaimMap.Block? {
        var text = line.text.dropFirst(5)
        let start = line.column + 5
        var condition: ClaimMap.Expression?
        if let range = MappingLine.topLevel(" if ", in: text) {
            let conditionText = text[range.upperBound...]
            guard let parsed = expression(conditionText, line: line, column: start + text.distance(from: text.startIndex, to: range.upperBound)) else { return nil }
            condition = parsed
            text = text[..<range.lowerBound]
        }
        guard let source = expression(text, line: line, column: start) else { return nil }
        return ClaimMap.Block(line: line.number, source: source, condition: condition, rules: [])
    }

    mutating func rule(_ line: Line, table: ClaimTableDefinition, itemType: String?) -> ClaimMap.Rule? {
        let text = line.text
        guard let arrow = MappingLine.topLevel("->", in: text)?.lowerBound else {
            fail(line, line.column, "expected `SOURCE -> FIELD [via CONVERSION] [if CONDITION]`")
            return nil
        }
        var sourceText = text[..<arrow]
        while sourceText.last == " " { sourceText = sourceText.dropLast() }
        guard !sourceText.isEmpty else {
            fail(line, line.column, "the source (a FHIRPath expression or a quoted constant) is missing")
            return nil
        }
        let right = text[text.index(arrow, offsetBy: 2)...]
        let rightColumn = line.column + text.distance(from: text.startIndex, to: right.startIndex)
        var targetSide = right
        var condition: ClaimMap.Expression?
        if let range = MappingLine.topLevel(" if ", in: right) {
            targetSide = right[..<range.lowerBound]
            let conditionText = right[range.upperBound...]
            guard let parsed = expression(conditionText, line: line, column: rightColumn + right.distance(from: right.startIndex, to: range.upperBound)) else { return nil }
            condition = parsed
        }
        let words = targetSide.split(separator: " ").map(String.init)
        guard let field = words.first else {
            fail(line, rightColumn, "the field is missing after ->")
            return nil
        }
        let fieldColumn = rightColumn + (right.firstIndex { $0 != " " }.map { right.distance(from: right.startIndex, to: $0) } ?? 0)
        guard let fieldIndex = table.index(of: field) else {
            fail(line, fieldColumn, "\(table.name) has no field \(field)")
            return nil
        }
        let definition = table.fields[fieldIndex]
        guard !definition.isRemoved else {
            fail(line, fieldColumn, "\(table.name).\(field) was removed by Decision 3176 and is not written")
            return nil
        }
        if definition.name != field {
            fail(line, fieldColumn, "\(field) is the former name of \(table.name).\(definition.name); use the current one")
            return nil
        }
        var conversion: ClaimMap.Conversion?
        switch (words.count > 1 ? words[1] : nil, words.count) {
        case (nil, _): break
        case ("via", 3) where words[2] == "date": conversion = .date
        case ("via", 3) where words[2] == "dateTime": conversion = .dateTime
        case ("via", 4) where words[2] == "vocabulary":
            guard vocabularies.contains(words[3]) else {
                fail(line, fieldColumn, "no vocabulary map named \(words[3]) (a ConceptMap under mappings/vocabulary/)")
                return nil
            }
            conversion = .vocabulary(words[3])
        default:
            fail(line, fieldColumn, "after the field come `via date`, `via dateTime`, `via vocabulary NAME` and `if CONDITION`")
            return nil
        }
        let source: ClaimMap.Source
        if sourceText.count >= 2, sourceText.hasPrefix("\""), sourceText.hasSuffix("\""), !sourceText.dropFirst().dropLast().contains("\"") {
            source = .constant(String(sourceText.dropFirst().dropLast()))
        } else {
            guard let expression = expression(sourceText, line: line, column: line.column) else { return nil }
            source = .expression(expression)
            checkElements(expression.text, itemType: itemType, line: line)
        }
        return ClaimMap.Rule(line: line.number, source: source, field: definition.name, fieldIndex: fieldIndex, conversion: conversion, condition: condition)
    }

    // MARK: Element paths

    /// The variables whose type is known, and the type.
    static let variableTypes: [(prefix: String, type: String)] = [
        ("%patient.", "Patient"), ("%encounter.", "Encounter"), ("%coverages.", "Coverage"),
    ]

    /// Checks the leading element path of a source against the FHIR type it reads: a variable's
    /// (`%patient.nmae` is an error), `%bundle.entry.resource.ofType(X).…`'s, or the block's item
    /// type for a path without a variable. Paths after a function or a choice are not followed.
    mutating func checkElements(_ text: String, itemType: String?, line: Line) {
        var type: String?
        var path = Substring(text)
        if let (prefix, variableType) = Self.variableTypes.first(where: { text.hasPrefix($0.prefix) }) {
            type = variableType
            path = path.dropFirst(prefix.count)
        } else if let selected = Self.leadingSelection(text) {
            type = selected.type
            path = selected.rest
        } else if !text.hasPrefix("%"), !text.hasPrefix("("), !text.hasPrefix("'") {
            type = itemType
        }
        guard let type, !path.isEmpty,
            let problem = ReverseLibraryChecker.unknownElement(in: String(path), from: type, definitions: fhirDefinitions)
        else { return }
        fail(line, line.column, problem)
    }

    /// `%bundle.entry.resource.ofType(X).rest`: X and the rest.
    static func leadingSelection(_ text: String) -> (type: String, rest: Substring)? {
        let prefix = "%bundle.entry.resource.ofType("
        guard text.hasPrefix(prefix), let close = text.firstIndex(of: ")") else { return nil }
        let type = text[text.index(text.startIndex, offsetBy: prefix.count)..<close]
        let after = text[text.index(after: close)...]
        guard after.hasPrefix(".") else { return nil }
        return (String(type), after.dropFirst())
    }

    /// The resource type a block's source selects when it ends in `ofType(X)`; `nil` otherwise.
    static func resourceType(selectedBy source: String) -> String? {
        guard source.hasSuffix(")"), let open = source.range(of: "ofType(", options: .backwards) else { return nil }
        let type = source[open.upperBound..<source.index(before: source.endIndex)]
        return type.allSatisfy { $0.isLetter } ? String(type) : nil
    }

    mutating func expression(_ text: Substring, line: Line, column: Int) -> ClaimMap.Expression? {
        var text = text
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return ClaimMap.Expression(compiling: text, file: file, line: line.number, column: column, errors: &errors)
    }

    mutating func fail(_ line: Line, _ column: Int, _ message: String) {
        errors.append(MappingError(file: file, line: line.number, column: column, message))
    }
}
