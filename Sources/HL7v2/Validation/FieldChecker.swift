/// Checks the fields of the segments of one message against their ``SegmentPlan``s: required
/// fields, repetitions, data type formats and table values.
///
/// Works on the message's bytes: repetitions, components and subcomponents are found by
/// scanning for their delimiters (delimiters never occur inside escape sequences), and a
/// String is made only for a value looked up in a table or for an issue.
struct FieldChecker {
    let message: Message
    let definitions: Definitions
    let configuration: Validator.Configuration
    private(set) var issues: [Issue] = []
    private let repetition: UInt8
    private let component: UInt8
    private let subcomponent: UInt8
    private let escape: UInt8
    /// Reused buffer of component ranges.
    private var components: [Range<Int>] = []
    /// Which tables (by index) the configuration checks, decided on first use
    /// (0 unknown, 1 checked, 2 not checked).
    private var tableChecked: [UInt8]

    init(message: Message, definitions: Definitions, configuration: Validator.Configuration) {
        self.message = message
        self.definitions = definitions
        self.configuration = configuration
        let encoding = message.encodingCharacters
        repetition = encoding.repetition
        component = encoding.component
        subcomponent = encoding.subcomponent
        escape = encoding.escape
        tableChecked = [UInt8](repeating: 0, count: definitions.tableList.count)
    }

    /// Where a value is, for issues.
    private struct Position {
        var segmentIndex: Int
        var field: Int
        var repetition: Int?
        var component: Int?
        var subcomponent: Int?
        var offset: Int
    }

    private func location(_ plan: SegmentPlan, _ position: Position) -> Location {
        Location(
            segment: plan.id, segmentIndex: position.segmentIndex, field: position.field, repetition: position.repetition,
            component: position.component, subcomponent: position.subcomponent, byteOffset: position.offset
        )
    }

    private mutating func report(_ code: ErrorCode, _ plan: SegmentPlan, _ position: Position, _ text: (String) -> String) {
        let location = location(plan, position)
        issues.append(Issue(code, at: location, text(location.path ?? plan.id)))
    }

    /// Checks segment `index` (0-based) against `plan`.
    mutating func check(segment index: Int, plan: SegmentPlan, bytes p: UnsafeBufferPointer<UInt8>) {
        let record = message.records[index]
        let isHeader = index == 0
        let present = isHeader ? Int(record.fieldCount) : Int(record.fieldCount) - 1
        let checksRequired = configuration.checksRequiredFields
        let checksRepetitions = configuration.checksRepetitions
        if plan.id == "OBX" { checkObservationValueType(segment: index, present: present, bytes: p) }
        var observationPlan: ValuePlan??
        let checksValues = configuration.checksDataTypes || configuration.tables != .none
        let fields = plan.fields
        for k in 0..<fields.count {
            let field = fields[k]
            let n = k + 1
            if field.isWithdrawn || (isHeader && n <= 2) { continue }  // MSH-1/2: the delimiters
            guard n <= present else {
                if field.isRequired && checksRequired {
                    report(.requiredFieldMissing, plan, Position(segmentIndex: index + 1, field: n, offset: Int(record.end))) {
                        "required field \($0) (\(plan.names[k])) is missing"
                    }
                }
                continue
            }
            let range = message.fieldRange(segment: index, stored: isHeader ? n - 1 : n)
            if isBlank(p, range) {
                if field.isRequired && checksRequired {
                    report(.requiredFieldMissing, plan, Position(segmentIndex: index + 1, field: n, offset: range.lowerBound)) {
                        "required field \($0) (\(plan.names[k])) is empty"
                    }
                }
                continue
            }
            var value: ValuePlan?
            if !checksValues {
                value = nil
            } else if field.value >= 0 {
                value = plan.values[Int(field.value)]
            } else if field.value == FieldPlan.variesValue, plan.id == "OBX", n == 5, configuration.checksObservationValues {
                if observationPlan == nil { observationPlan = .some(self.observationPlan(segment: index, bytes: p)) }
                value = observationPlan ?? nil
            }
            // A field whose type is given elsewhere (QPD-3, …) is defined elsewhere: its
            // repetitions too.
            let max = field.value == FieldPlan.variesValue ? 0 : Int(field.maxRepetitions)
            if value == nil && (max == 0 || !checksRepetitions) { continue }
            // Repetitions.
            var number = 0
            var start = range.lowerBound
            while start <= range.upperBound {
                let end = Self.next(repetition, in: p, from: start, to: range.upperBound)
                number += 1
                let part = start..<end
                if max > 0, number > max, checksRepetitions, !isBlank(p, part) {
                    report(.repetitionsExceeded, plan, Position(segmentIndex: index + 1, field: n, repetition: number, offset: part.lowerBound)) { _ in
                        "field \(plan.id)-\(n) (\(plan.names[k])) allows at most \(max) repetition\(max == 1 ? "" : "s")"
                    }
                }
                if let value {
                    checkValue(value, p, part, plan, Position(segmentIndex: index + 1, field: n, repetition: number, offset: part.lowerBound))
                }
                start = end + 1
            }
        }
    }

    /// OBX-2 is required when OBX-5 has a value.
    private mutating func checkObservationValueType(segment index: Int, present: Int, bytes p: UnsafeBufferPointer<UInt8>) {
        guard configuration.checksRequiredFields, present >= 5, !isBlank(p, message.fieldRange(segment: index, stored: 5)) else { return }
        let type = message.fieldRange(segment: index, stored: 2)
        guard isBlank(p, type) else { return }
        issues.append(Issue(.requiredFieldMissing, at: Location(segment: "OBX", segmentIndex: index + 1, field: 2, byteOffset: type.lowerBound), "OBX-2 (VALUE_TYPE) is required when OBX-5 has a value"))
    }

    /// The plan of OBX-5 from the type in OBX-2.
    private func observationPlan(segment index: Int, bytes p: UnsafeBufferPointer<UInt8>) -> ValuePlan? {
        guard Int(message.records[index].fieldCount) > 2 else { return nil }
        let range = message.fieldRange(segment: index, stored: 2)
        let end = firstDelimiter(p, range)
        let type = String(decoding: UnsafeBufferPointer(rebasing: p[range.lowerBound..<end]), as: UTF8.self)
        if let plan = definitions.compositePlans[type] { return plan.hasChecks ? .composite(plan) : nil }
        if type == "TS" { return .primitive(.dateTime) }  // TS is DTM from 2.6 on
        return DataTypeCheck(primitive: type).map(ValuePlan.primitive)
    }

    /// Checks one repetition.
    private mutating func checkValue(_ value: ValuePlan, _ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ plan: SegmentPlan, _ position: Position) {
        guard !range.isEmpty, !isNull(p, range) else { return }
        switch value {
        case .primitive(let check):
            // The first component's first subcomponent; anything after it is ignored.
            checkPrimitive(check, p, range.lowerBound..<firstDelimiter(p, range), plan, position)
        case .composite(let composite):
            components.removeAll(keepingCapacity: true)
            var start = range.lowerBound
            while start <= range.upperBound {
                let end = Self.next(component, in: p, from: start, to: range.upperBound)
                components.append(start..<end)
                start = end + 1
            }
            let count = min(components.count, composite.components.count)
            var position = position
            for c in 0..<count {
                let part = components[c]
                guard !part.isEmpty, !isNull(p, part) else { continue }
                position.component = c + 1
                position.subcomponent = nil
                position.offset = part.lowerBound
                if c == 0, let table = composite.codedTable, codingSystemAllows(table, p) {
                    checkPrimitive(.table(table), p, part.lowerBound..<firstSubcomponentEnd(p, part), plan, position)
                }
                if let check = composite.components[c].check {
                    checkPrimitive(check, p, part.lowerBound..<firstSubcomponentEnd(p, part), plan, position)
                } else if !composite.components[c].subcomponents.isEmpty {
                    checkSubcomponents(composite.components[c].subcomponents, p, part, plan, position)
                }
            }
        }
    }

    private mutating func checkSubcomponents(_ checks: [DataTypeCheck?], _ p: UnsafeBufferPointer<UInt8>, _ part: Range<Int>, _ plan: SegmentPlan, _ position: Position) {
        var s = 0
        var start = part.lowerBound
        var i = part.lowerBound
        while i <= part.upperBound, s < checks.count {
            if i == part.upperBound || p[i] == subcomponent {
                if let check = checks[s] {
                    var at = position
                    at.subcomponent = s + 1
                    at.offset = start
                    checkPrimitive(check, p, start..<i, plan, at)
                }
                s += 1
                start = i + 1
            }
            i += 1
        }
    }

    /// For a coded type with a field-level table: component 1 is checked only when component 3
    /// (the coding system) is empty or names that HL7 table (`HL70001`).
    private func codingSystemAllows(_ table: Int32, _ p: UnsafeBufferPointer<UInt8>) -> Bool {
        guard components.count >= 3 else { return true }
        let system = components[2]
        if system.isEmpty { return true }
        return p[system].elementsEqual(("HL7" + definitions.tableList[Int(table)].id).utf8)
    }

    /// Checks one primitive value.
    private mutating func checkPrimitive(_ check: DataTypeCheck, _ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ plan: SegmentPlan, _ position: Position) {
        guard !range.isEmpty, !isNull(p, range) else { return }
        if case .table(let index) = check {
            let table = definitions.tableList[Int(index)]
            if tableChecked[Int(index)] == 0 { tableChecked[Int(index)] = configuration.tables.includes(table.id) ? 1 : 2 }
            guard tableChecked[Int(index)] == 1 else { return }
            let slice = UnsafeBufferPointer(rebasing: p[range])
            let text = slice.contains(escape)
                ? EscapeSequence.unescape(slice, encoding: message.encodingCharacters, characterSet: message.characterSet, options: .default)
                : String(decoding: slice, as: UTF8.self)
            // Z message types and events are local extensions the standard allows.
            let isLocal = (table.id == "0003" || table.id == "0076") && text.utf8.first == UInt8(ascii: "Z")
            if !isLocal && !table.values.contains(text) {
                report(.tableValueNotFound, plan, position) { "\($0): the value is not in HL7 table \(table.id)" }
            }
            return
        }
        guard configuration.checksDataTypes, let problem = check.problem(p, range) else { return }
        report(.dataType, plan, position) { "\($0) is not a valid \(check.typeName) (\(check.format)): \(problem)" }
    }

    // MARK: Bytes

    /// The index of the next `delimiter` in `p[start..<end]`, or `end`.
    @inline(__always)
    private static func next(_ delimiter: UInt8, in p: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Int {
        var i = start
        while i < end && p[i] != delimiter { i += 1 }
        return i
    }

    /// Whether the range holds nothing but repetition, component and subcomponent delimiters.
    private func isBlank(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        let (r, c, s) = (repetition, component, subcomponent)
        for i in range {
            let b = p[i]
            if b != r && b != c && b != s { return false }
        }
        return true
    }

    /// Whether the range is the null `""`.
    private func isNull(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        range.count == 2 && p[range.lowerBound] == 0x22 && p[range.lowerBound + 1] == 0x22
    }

    /// The end of the first component's first subcomponent.
    private func firstDelimiter(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        let (r, c, s) = (repetition, component, subcomponent)
        var i = range.lowerBound
        while i < range.upperBound {
            let b = p[i]
            if b == c || b == s || b == r { break }
            i += 1
        }
        return i
    }

    /// The end of a component's first subcomponent.
    private func firstSubcomponentEnd(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        Self.next(subcomponent, in: p, from: range.lowerBound, to: range.upperBound)
    }
}
