import Foundation

extension FHIRPathEvaluator {
    /// Calls a function on its input. Arguments are evaluated in the context of the call
    /// (`focus`, `scope`), except for the functions that evaluate them on their input item by
    /// item (`where`, `select`, `all`, …).
    func invoke(_ call: Node.Call, on input: [Value], focus: [Value], scope: Scope, at offset: Int) throws(FHIRPathError) -> [Value] {
        let arguments = call.arguments
        func argument(_ number: Int) throws(FHIRPathError) -> [Value] {
            try evaluate(arguments[number], focus, scope)
        }
        func each(_ number: Int, _ item: Value, _ index: Int) throws(FHIRPathError) -> [Value] {
            // One array is the focus and `$this`.
            let items = [item]
            return try evaluate(arguments[number], items, Scope(this: items, index: index, total: scope.total))
        }
        func criterion(_ item: Value, _ index: Int) throws(FHIRPathError) -> Bool? {
            try Self.boolean(try each(0, item, index), at: arguments[0].offset)
        }
        func stringArgument(_ number: Int) throws(FHIRPathError) -> String? {
            try string(try argument(number), at: arguments[number].offset)
        }

        switch call.function {
        // MARK: Existence
        case .empty:
            return Self.collection(input.isEmpty)
        case .exists:
            guard !arguments.isEmpty else { return Self.collection(!input.isEmpty) }
            for (index, item) in input.enumerated() where try criterion(item, index) == true { return Self.collection(true) }
            return Self.collection(false)
        case .all:
            for (index, item) in input.enumerated() where try criterion(item, index) != true { return Self.collection(false) }
            return Self.collection(true)
        case .allTrue, .anyTrue, .allFalse, .anyFalse:
            var booleans: [Bool] = []
            for item in input {
                guard case .boolean(let boolean) = Self.primitive(item) else {
                    throw FHIRPathError(.typeMismatch, at: offset, "\(call.function.rawValue) needs booleans")
                }
                booleans.append(boolean)
            }
            switch call.function {
            case .allTrue: return Self.collection(booleans.allSatisfy { $0 })
            case .anyTrue: return Self.collection(booleans.contains(true))
            case .allFalse: return Self.collection(booleans.allSatisfy { !$0 })
            default: return Self.collection(booleans.contains(false))
            }
        case .subsetOf, .supersetOf:
            let other = try argument(0)
            let (subset, superset) = call.function == .subsetOf ? (input, other) : (other, input)
            return Self.collection(subset.allSatisfy { item in superset.contains { Self.equal(item, $0) == true } })
        case .count:
            return [.integer(input.count)]
        case .distinct:
            return Self.union(input, [])
        case .isDistinct:
            return Self.collection(Self.union(input, []).count == input.count)

        // MARK: Filtering and projection
        case .where:
            var result: [Value] = []
            let comparison = Self.childComparison(arguments[0])
            for (index, item) in input.enumerated() {
                if let comparison, case .element(let element) = item, let verdict = Self.compare(element, comparison) {
                    if verdict == true { result.append(item) }
                } else if try criterion(item, index) == true {
                    result.append(item)
                }
            }
            return result
        case .select:
            var result: [Value] = []
            for (index, item) in input.enumerated() { result += try each(0, item, index) }
            return result
        case .repeat:
            var result: [Value] = []
            var current = input
            while !current.isEmpty {
                var next: [Value] = []
                for (index, item) in current.enumerated() {
                    for found in try each(0, item, index) where !result.contains(where: { Self.equal($0, found) == true }) {
                        result.append(found)
                        next.append(found)
                    }
                }
                current = next
            }
            return result
        case .ofType:
            let type = call.type!
            guard isExactType(type) else { return input.filter { isType($0, type) } }
            let name = type.name
            return input.filter { item in
                guard case .element(let element) = item else { return false }
                return element.type == name
            }

        // MARK: Subsetting
        case .single:
            return try Self.single(input, at: offset).map { [$0] } ?? []
        case .first:
            return input.first.map { [$0] } ?? []
        case .last:
            return input.last.map { [$0] } ?? []
        case .tail:
            return Array(input.dropFirst())
        case .skip:
            guard let count = try integer(try argument(0), at: arguments[0].offset) else { return input }
            return Array(input.dropFirst(max(0, count)))
        case .take:
            guard let count = try integer(try argument(0), at: arguments[0].offset) else { return [] }
            return Array(input.prefix(max(0, count)))
        case .intersect:
            let other = try argument(0)
            return Self.union(input.filter { item in other.contains { Self.equal(item, $0) == true } }, [])
        case .exclude:
            let other = try argument(0)
            return input.filter { item in !other.contains { Self.equal(item, $0) == true } }

        // MARK: Combining
        case .union:
            return Self.union(input, try argument(0))
        case .combine:
            return input + (try argument(0))

        // MARK: Conversion
        case .iif:
            let inner = Scope(this: input, index: scope.index, total: scope.total)
            let condition = try Self.boolean(try evaluate(arguments[0], input, inner), at: arguments[0].offset)
            if condition == true { return try evaluate(arguments[1], input, inner) }
            return arguments.count > 2 ? try evaluate(arguments[2], input, inner) : []
        case .toBoolean, .toInteger, .toDecimal, .toString, .toDate, .toDateTime, .toTime, .toQuantity,
            .convertsToBoolean, .convertsToInteger, .convertsToDecimal, .convertsToString, .convertsToDate,
            .convertsToDateTime, .convertsToTime, .convertsToQuantity:
            guard let item = try Self.single(input, at: offset) else { return [] }
            var unit: String?
            if call.function == .toQuantity || call.function == .convertsToQuantity, !arguments.isEmpty {
                guard let given = try stringArgument(0) else { return [] }
                unit = given
            }
            let converted = Self.convert(item, call.function, unit: unit)
            switch call.function {
            case .convertsToBoolean, .convertsToInteger, .convertsToDecimal, .convertsToString, .convertsToDate,
                .convertsToDateTime, .convertsToTime, .convertsToQuantity:
                return Self.collection(converted != nil)
            default:
                return converted.map { [$0] } ?? []
            }

        // MARK: Strings
        case .indexOf, .lastIndexOf, .substring, .startsWith, .endsWith, .contains, .upper, .lower, .replace, .matches,
            .replaceMatches, .length, .toChars, .split, .trim:
            guard let text = try string(input, at: offset) else { return [] }
            return try stringFunction(call, text, argument: stringArgument, integerArgument: { number throws(FHIRPathError) in
                try integer(try argument(number), at: arguments[number].offset)
            }, at: offset)
        case .join:
            let separator = arguments.isEmpty ? "" : (try stringArgument(0) ?? "")
            var parts: [String] = []
            for item in input {
                guard case .string(let text) = Self.primitive(item) else {
                    throw FHIRPathError(.typeMismatch, at: offset, "join needs strings")
                }
                parts.append(text)
            }
            return [.string(parts.joined(separator: separator))]

        // MARK: Math
        case .abs, .ceiling, .exp, .floor, .ln, .log, .power, .round, .sqrt, .truncate:
            guard let item = try Self.single(input, at: offset) else { return [] }
            var operand: Value?
            if !arguments.isEmpty {
                guard let value = try Self.single(try argument(0), at: arguments[0].offset) else { return [] }
                operand = Self.primitive(value)
            }
            return try Self.math(call.function, Self.comparable(item), operand, at: offset).map { [$0] } ?? []

        // MARK: Tree navigation
        case .children:
            var result: [Value] = []
            for case .element(let element) in input {
                for child in element.children { result.append(.element(child)) }
            }
            return result
        case .descendants:
            // Breadth first: the result is its own queue.
            var result: [Value] = []
            for case .element(let element) in input {
                for child in element.children { result.append(.element(child)) }
            }
            var index = 0
            while index < result.count {
                if case .element(let element) = result[index] {
                    for child in element.children { result.append(.element(child)) }
                }
                index += 1
            }
            return result

        // MARK: Utility
        case .trace:
            let name = try stringArgument(0) ?? ""
            if let trace = environment.trace {
                var traced = input
                if arguments.count > 1 {
                    traced = []
                    for (index, item) in input.enumerated() { traced += try each(1, item, index) }
                }
                trace(name, traced)
            }
            return input
        case .now, .today, .timeOfDay:
            let now = environment.now ?? Date()
            let offsetSeconds = environment.timeZoneOffset ?? TimeZone.current.secondsFromGMT(for: now)
            let milliseconds = Int((now.timeIntervalSince1970 * 1000).rounded(.down)) + offsetSeconds * 1000
            let epoch = FHIRPathTemporal(year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0, fraction: "000", offset: offsetSeconds / 60)
            let moment = epoch.adding(milliseconds: milliseconds)
            switch call.function {
            case .now:
                return [.dateTime(moment)]
            case .today:
                return [.date(FHIRPathTemporal(year: moment.year, month: moment.month, day: moment.day))]
            default:
                return [.time(FHIRPathTemporal(hour: moment.hour, minute: moment.minute, second: moment.second, fraction: moment.fraction))]
            }

        // MARK: Aggregates
        case .aggregate:
            var total = arguments.count > 1 ? try argument(1) : []
            for (index, item) in input.enumerated() {
                total = try evaluate(arguments[0], [item], Scope(this: [item], index: index, total: total))
            }
            return total

        // MARK: Boolean logic and types
        case .not:
            return try Self.boolean(input, at: offset).map { Self.collection(!$0) } ?? []
        case .is:
            guard let item = try Self.single(input, at: offset) else { return [] }
            return Self.collection(isType(item, call.type!))
        case .as:
            return input.filter { isType($0, call.type!) }

        // MARK: FHIR
        case .extension, .hasValue, .getValue, .resolve, .memberOf, .htmlChecks, .conformsTo, .elementDefinition, .slice,
            .checkModifiers, .subsumes, .subsumedBy:
            return try fhirFunction(call, on: input, argument: argument, at: offset)
        }
    }

    // MARK: Conversions

    /// `toX()` of one item; `nil` when it does not convert.
    static func convert(_ item: Value, _ function: FHIRPathFunction, unit: String?) -> Value? {
        let value = comparable(item)
        switch function {
        case .toBoolean, .convertsToBoolean:
            switch value {
            case .boolean: return value
            case .integer(let integer): return integer == 1 ? .boolean(true) : integer == 0 ? .boolean(false) : nil
            case .decimal(let decimal): return decimal == 1 ? .boolean(true) : decimal == 0 ? .boolean(false) : nil
            case .string(let text):
                switch text.lowercased() {
                case "true", "t", "yes", "y", "1", "1.0": return .boolean(true)
                case "false", "f", "no", "n", "0", "0.0": return .boolean(false)
                default: return nil
                }
            default: return nil
            }
        case .toInteger, .convertsToInteger:
            switch value {
            case .integer: return value
            case .boolean(let boolean): return .integer(boolean ? 1 : 0)
            case .string(let text):
                guard isInteger(text) else { return nil }
                return Int(text.hasPrefix("+") ? String(text.dropFirst()) : text).map { .integer($0) }
            default: return nil
            }
        case .toDecimal, .convertsToDecimal:
            switch value {
            case .integer(let integer): return .decimal(Decimal(integer))
            case .decimal: return value
            case .boolean(let boolean): return .decimal(boolean ? 1 : 0)
            case .string(let text):
                guard isDecimal(text) else { return nil }
                return Value.decimal(text.hasPrefix("+") ? String(text.dropFirst()) : text).map { .decimal($0) }
            default: return nil
            }
        case .toString, .convertsToString:
            if case .element(let element) = item, let text = element.value?.text { return .string(text) }
            switch value {
            case .element: return nil
            case .string: return value
            case .date, .time, .dateTime, .boolean, .integer, .decimal, .quantity: return .string(value.description)
            }
        case .toDate, .convertsToDate:
            switch value {
            case .date: return value
            case .dateTime(let dateTime): return .date(FHIRPathTemporal(year: dateTime.year, month: dateTime.month, day: dateTime.day))
            case .string(let text):
                if let date = FHIRPathTemporal.date(text) { return .date(date) }
                guard let dateTime = FHIRPathTemporal.dateTime(text) else { return nil }
                return .date(FHIRPathTemporal(year: dateTime.year, month: dateTime.month, day: dateTime.day))
            default: return nil
            }
        case .toDateTime, .convertsToDateTime:
            switch value {
            case .dateTime: return value
            case .date(let date): return .dateTime(date)
            case .string(let text): return FHIRPathTemporal.dateTime(text).map { .dateTime($0) }
            default: return nil
            }
        case .toTime, .convertsToTime:
            switch value {
            case .time: return value
            case .string(let text): return FHIRPathTemporal.time(text.hasPrefix("T") ? String(text.dropFirst()) : text).map { .time($0) }
            default: return nil
            }
        case .toQuantity, .convertsToQuantity:
            var quantity: FHIRPathQuantity
            switch value {
            case .integer(let integer): quantity = FHIRPathQuantity(value: Decimal(integer))
            case .decimal(let decimal): quantity = FHIRPathQuantity(value: decimal)
            case .boolean(let boolean): quantity = FHIRPathQuantity(value: boolean ? 1 : 0)
            case .quantity(let given): quantity = given
            case .string(let text):
                guard let parsed = Self.quantity(text) else { return nil }
                quantity = parsed
            default: return nil
            }
            if let unit {
                guard let converted = quantity.converted(to: unit) else { return nil }
                quantity = converted
            }
            return .quantity(quantity)
        default:
            return nil
        }
    }

    static func isInteger(_ text: String) -> Bool {
        var digits = Substring(text)
        if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func isDecimal(_ text: String) -> Bool {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard isInteger(String(parts[0])) else { return false }
        guard parts.count == 2 else { return true }
        return !parts[1].isEmpty && parts[1].allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// A quantity written as text: `4 'mg'`, `3 days`, `1.5`.
    static func quantity(_ text: String) -> FHIRPathQuantity? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let number = trimmed.prefix { $0 == "+" || $0 == "-" || $0 == "." || ($0.isASCII && $0.isNumber) }
        guard isDecimal(String(number)), let value = Value.decimal(number.hasPrefix("+") ? String(number.dropFirst()) : String(number)) else {
            return nil
        }
        let rest = trimmed.dropFirst(number.count).trimmingCharacters(in: .whitespaces)
        if rest.isEmpty { return FHIRPathQuantity(value: value) }
        if rest.count >= 2, rest.hasPrefix("'"), rest.hasSuffix("'") {
            return FHIRPathQuantity(value: value, unit: String(rest.dropFirst().dropLast()))
        }
        if FHIRPathQuantity.calendarUnits[rest] != nil { return FHIRPathQuantity(value: value, unit: rest) }
        return nil
    }

    // MARK: Strings

    func stringFunction(
        _ call: Node.Call, _ text: String, argument: (Int) throws(FHIRPathError) -> String?,
        integerArgument: (Int) throws(FHIRPathError) -> Int?, at offset: Int
    ) throws(FHIRPathError) -> [Value] {
        switch call.function {
        case .indexOf, .lastIndexOf:
            guard let part = try argument(0) else { return [] }
            if part.isEmpty { return [.integer(call.function == .indexOf ? 0 : text.count)] }
            let range = call.function == .indexOf ? text.range(of: part) : text.range(of: part, options: .backwards)
            guard let range else { return [.integer(-1)] }
            return [.integer(text.distance(from: text.startIndex, to: range.lowerBound))]
        case .substring:
            guard let start = try integerArgument(0) else { return [] }
            let characters = Array(text)
            guard start >= 0, start < characters.count else { return [] }
            var end = characters.count
            if call.arguments.count > 1 {
                guard let length = try integerArgument(1) else { return [.string(String(characters[start...]))] }
                end = min(characters.count, start + max(0, length))
            }
            return [.string(String(characters[start..<end]))]
        case .startsWith:
            guard let part = try argument(0) else { return [] }
            return Self.collection(text.hasPrefix(part))
        case .endsWith:
            guard let part = try argument(0) else { return [] }
            return Self.collection(text.hasSuffix(part))
        case .contains:
            guard let part = try argument(0) else { return [] }
            return Self.collection(part.isEmpty || (ByteScan.asciiContains(text, part) ?? text.contains(part)))
        case .upper:
            return [.string(text.uppercased())]
        case .lower:
            return [.string(text.lowercased())]
        case .replace:
            guard let pattern = try argument(0), let substitution = try argument(1) else { return [] }
            if pattern.isEmpty {
                return [.string(substitution + text.map { String($0) + substitution }.joined())]
            }
            return [.string(text.replacingOccurrences(of: pattern, with: substitution))]
        case .matches, .replaceMatches:
            let regex: NSRegularExpression
            if let compiled = call.regex {
                regex = compiled
            } else {
                guard let pattern = try argument(0) else { return [] }
                regex = try FHIRPathParser.regex(pattern, at: call.arguments[0].offset)
            }
            let range = NSRange(text.startIndex..<text.endIndex, in: text)
            if call.function == .matches {
                return Self.collection(regex.firstMatch(in: text, options: [], range: range) != nil)
            }
            guard let substitution = try argument(1) else { return [] }
            // An empty pattern changes nothing.
            if regex.pattern.isEmpty { return [.string(text)] }
            return [.string(regex.stringByReplacingMatches(in: text, options: [], range: range, withTemplate: substitution))]
        case .length:
            return [.integer(text.count)]
        case .toChars:
            return text.map { .string(String($0)) }
        case .split:
            guard let separator = try argument(0) else { return [] }
            guard !separator.isEmpty else { return text.map { .string(String($0)) } }
            return text.components(separatedBy: separator).map { .string($0) }
        case .trim:
            return [.string(text.trimmingCharacters(in: .whitespacesAndNewlines))]
        default:
            return []
        }
    }

    // MARK: Math

    static func math(_ function: FHIRPathFunction, _ value: Value, _ operand: Value?, at offset: Int) throws(FHIRPathError) -> Value? {
        if case .quantity(let quantity) = value, function == .abs {
            return .quantity(FHIRPathQuantity(value: Swift.abs(quantity.value), unit: quantity.unit))
        }
        guard let number = number(value) else {
            throw FHIRPathError(.typeMismatch, at: offset, "\(function.rawValue) needs a number")
        }
        func integer(_ decimal: Decimal) -> Value {
            let int64 = NSDecimalNumber(decimal: decimal).int64Value
            return Decimal(int64) == decimal ? .integer(Int(int64)) : .decimal(decimal)
        }
        let double = NSDecimalNumber(decimal: number).doubleValue
        func fromDouble(_ result: Double) -> Value? {
            guard result.isFinite else { return nil }
            return Value.decimal(String(result)).map { .decimal($0) } ?? .decimal(Decimal(result))
        }
        switch function {
        case .abs:
            if case .integer(let integer) = value { return .integer(Swift.abs(integer)) }
            return .decimal(Swift.abs(number))
        case .ceiling:
            return integer(ceiled(number))
        case .floor:
            return integer(floored(number))
        case .truncate:
            return integer(truncated(number))
        case .round:
            var places = 0
            if let operand {
                guard case .integer(let given) = operand, given >= 0 else {
                    throw FHIRPathError(.invalidArguments, at: offset, "round needs a precision of 0 or more")
                }
                places = given
            }
            return .decimal(rounded(number, places))
        case .exp:
            return fromDouble(Foundation.exp(double))
        case .ln:
            return double > 0 ? fromDouble(Foundation.log(double)) : nil
        case .log:
            guard let base = operand.flatMap(Self.number) else { return nil }
            let baseDouble = NSDecimalNumber(decimal: base).doubleValue
            guard double > 0, baseDouble > 0, baseDouble != 1 else { return nil }
            return fromDouble(Foundation.log(double) / Foundation.log(baseDouble))
        case .power:
            guard let exponent = operand.flatMap(Self.number) else { return nil }
            if case .integer(let base) = value, case .integer(let power)? = operand, power >= 0 {
                var result = 1
                for _ in 0..<power {
                    let (product, overflow) = result.multipliedReportingOverflow(by: base)
                    if overflow { return nil }
                    result = product
                }
                return .integer(result)
            }
            return fromDouble(Foundation.pow(double, NSDecimalNumber(decimal: exponent).doubleValue))
        case .sqrt:
            return double >= 0 ? fromDouble(Foundation.sqrt(double)) : nil
        default:
            return nil
        }
    }
}
