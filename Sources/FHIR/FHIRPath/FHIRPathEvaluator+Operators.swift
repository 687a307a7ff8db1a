import Foundation

extension FHIRPathEvaluator {
    func binary(_ op: Node.BinaryOperator, _ leftNode: Node, _ rightNode: Node, _ focus: [Value], _ scope: Scope, at offset: Int) throws(FHIRPathError) -> [Value] {
        // Logic first: the right side is not needed when the left decides.
        switch op {
        case .and:
            let left = try Self.boolean(try evaluate(leftNode, focus, scope), at: leftNode.offset)
            if left == false { return Self.collection(false) }
            let right = try Self.boolean(try evaluate(rightNode, focus, scope), at: rightNode.offset)
            if right == false { return Self.collection(false) }
            if left == true, right == true { return Self.collection(true) }
            return []
        case .or:
            let left = try Self.boolean(try evaluate(leftNode, focus, scope), at: leftNode.offset)
            if left == true { return Self.collection(true) }
            let right = try Self.boolean(try evaluate(rightNode, focus, scope), at: rightNode.offset)
            if right == true { return Self.collection(true) }
            if left == false, right == false { return Self.collection(false) }
            return []
        case .xor:
            let left = try Self.boolean(try evaluate(leftNode, focus, scope), at: leftNode.offset)
            let right = try Self.boolean(try evaluate(rightNode, focus, scope), at: rightNode.offset)
            guard let left, let right else { return [] }
            return Self.collection(left != right)
        case .implies:
            let left = try Self.boolean(try evaluate(leftNode, focus, scope), at: leftNode.offset)
            if left == false { return Self.collection(true) }
            let right = try Self.boolean(try evaluate(rightNode, focus, scope), at: rightNode.offset)
            if right == true { return Self.collection(true) }
            if left == true { return right.map(Self.collection) ?? [] }
            return []
        default:
            break
        }
        // `name = 'literal'` on one element (in a criterion that is more than the comparison:
        // `system = 'x' and code = 'y'`), decided on its children in place.
        if op == .equal || op == .notEqual, focus.count == 1, case .element(let element) = focus[0],
            let comparison = Self.childComparison(op, leftNode, rightNode), let verdict = Self.compare(element, comparison)
        {
            return verdict.map(Self.collection) ?? []
        }
        let left = try evaluate(leftNode, focus, scope)
        let right = try evaluate(rightNode, focus, scope)
        switch op {
        case .union:
            return Self.union(left, right)
        case .equal:
            return Self.equals(left, right).map(Self.collection) ?? []
        case .notEqual:
            return Self.equals(left, right).map { Self.collection(!$0) } ?? []
        case .equivalent:
            return Self.collection(Self.equivalent(left, right))
        case .notEquivalent:
            return Self.collection(!Self.equivalent(left, right))
        case .in, .contains:
            let (item, collection) = op == .in ? (left, right) : (right, left)
            guard let single = try Self.single(item, at: offset) else { return [] }
            return Self.collection(collection.contains { Self.equal(single, $0) == true })
        case .less, .greater, .lessOrEqual, .greaterOrEqual:
            guard let a = try Self.single(left, at: leftNode.offset), let b = try Self.single(right, at: rightNode.offset) else { return [] }
            guard let order = try Self.compare(a, b, at: offset) else { return [] }
            switch op {
            case .less: return Self.collection(order == .orderedAscending)
            case .greater: return Self.collection(order == .orderedDescending)
            case .lessOrEqual: return Self.collection(order != .orderedDescending)
            default: return Self.collection(order != .orderedAscending)
            }
        case .concatenate:
            let a = try Self.single(left, at: leftNode.offset).map { value throws(FHIRPathError) in try Self.concatenationText(value, at: leftNode.offset) } ?? ""
            let b = try Self.single(right, at: rightNode.offset).map { value throws(FHIRPathError) in try Self.concatenationText(value, at: rightNode.offset) } ?? ""
            return [.string(a + b)]
        default:
            guard let a = try Self.single(left, at: leftNode.offset), let b = try Self.single(right, at: rightNode.offset) else { return [] }
            return try Self.arithmetic(op, Self.comparable(a), Self.comparable(b), at: offset).map { [$0] } ?? []
        }
    }

    private static func concatenationText(_ value: Value, at offset: Int) throws(FHIRPathError) -> String {
        guard case .string(let text) = primitive(value) else {
            throw FHIRPathError(.typeMismatch, at: offset, "'&' needs strings")
        }
        return text
    }

    // MARK: Collections

    /// `left | right`: the items of both, without duplicates.
    static func union(_ left: [Value], _ right: [Value]) -> [Value] {
        let items = left + right
        var result: [Value] = []
        result.reserveCapacity(items.count)
        // Strings (FHIR primitives with a string value too) equal only the same text: when every
        // item is one, a set finds the duplicates in one pass instead of comparing every pair.
        let texts = items.compactMap(stringValue)
        if texts.count == items.count {
            var seen = Set<String>(minimumCapacity: texts.count)
            for (item, text) in zip(items, texts) where seen.insert(text).inserted {
                result.append(item)
            }
            return result
        }
        for item in items where !result.contains(where: { equal($0, item) == true }) {
            result.append(item)
        }
        return result
    }

    /// The string of a system string or of a FHIR primitive whose value reads as a string;
    /// `nil` for anything else (numbers, dates, elements without a value, …).
    private static func stringValue(_ value: Value) -> String? {
        switch value {
        case .string(let text): text
        case .element(let element) where element.value != nil:
            if case .string(let text)? = Value.system(of: element) { text } else { nil }
        default: nil
        }
    }

    /// A criterion that compares a name of the item with a literal (`system = 'http://loinc.org'`,
    /// `use != 'old'`): `where` decides it on the item's children in place, without the
    /// collections of the name and the answer.
    struct ChildComparison {
        var name: String
        var literal: Value
        var isEqual: Bool
    }

    /// The comparison a criterion is, if it is one; not for a name that may be a type name.
    static func childComparison(_ node: Node) -> ChildComparison? {
        guard case .binary(let op, let left, let right) = node.kind else { return nil }
        return childComparison(op, left, right)
    }

    /// The comparison `left op right` is, if it is one.
    static func childComparison(_ op: Node.BinaryOperator, _ left: Node, _ right: Node) -> ChildComparison? {
        guard op == .equal || op == .notEqual,
            case .member(nil, let name) = left.kind, left.memoSlot == nil, left.sharedSlot == nil,
            case .literal(let literal) = right.kind, !Self.startsUppercase(name)
        else { return nil }
        return ChildComparison(name: name, literal: literal, isEqual: op == .equal)
    }

    /// The criterion's value on `element` as ``binary(_:_:_:_:_:at:)`` gives it (`nil` for
    /// the empty collection), as `.some(nil)` when it is empty; `nil` when the element has more
    /// than one child of the name (the general case decides).
    static func compare(_ element: Element, _ comparison: ChildComparison) -> Bool?? {
        let length = comparison.name.utf8.count
        let children = element.children
        var found: Int?
        for index in children.indices where children[index].name.utf8.count == length && children[index].name == comparison.name {
            guard found == nil else { return nil }
            found = index
        }
        guard let found else { return .some(nil) }
        let equal = Self.equal(.element(children[found]), comparison.literal)
        return .some(comparison.isEqual ? equal : equal.map { !$0 })
    }

    /// `=` on collections: `nil` when either is empty or an item comparison is unknown.
    static func equals(_ left: [Value], _ right: [Value]) -> Bool? {
        if left.isEmpty || right.isEmpty { return nil }
        guard left.count == right.count else { return false }
        var unknown = false
        for (a, b) in zip(left, right) {
            switch equal(a, b) {
            case false?: return false
            case nil: unknown = true
            case true?: continue
            }
        }
        return unknown ? nil : true
    }

    /// `~` on collections: the same items in any order.
    static func equivalent(_ left: [Value], _ right: [Value]) -> Bool {
        guard left.count == right.count else { return false }
        var unmatched = right
        for item in left {
            guard let index = unmatched.firstIndex(where: { equivalent(item, $0) }) else { return false }
            unmatched.remove(at: index)
        }
        return true
    }

    // MARK: Items

    /// Equality of two items: `nil` when unknown (dates at different precisions, quantities
    /// whose units do not convert).
    static func equal(_ lhs: Value, _ rhs: Value) -> Bool? {
        if case .element(let a) = lhs, case .element(let b) = rhs, a.value == nil || b.value == nil {
            return elementsEqual(a, b, equivalence: false)
        }
        let a = primitive(lhs)
        let b = primitive(rhs)
        switch (a, b) {
        case (.boolean(let x), .boolean(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.integer(let x), .integer(let y)): return x == y
        case (.integer, .decimal), (.decimal, .integer), (.decimal, .decimal):
            return number(a)! == number(b)!
        case (.date(let x), .date(let y)), (.date(let x), .dateTime(let y)), (.dateTime(let x), .date(let y)),
            (.dateTime(let x), .dateTime(let y)), (.time(let x), .time(let y)):
            return FHIRPathTemporal.compare(x, y).map { $0 == .orderedSame }
        case (.string, .date), (.string, .dateTime), (.string, .time), (.date, .string), (.dateTime, .string), (.time, .string):
            guard let (x, y) = temporalPair(a, b) else { return false }
            return FHIRPathTemporal.compare(x, y).map { $0 == .orderedSame }
        case (.quantity(let x), .quantity(let y)):
            return FHIRPathQuantity.aligned(x, y).map { $0.0 == $0.1 }
        case (.element(let element), .quantity(let y)), (.quantity(let y), .element(let element)):
            guard let x = Value.quantity(of: element) else { return false }
            return FHIRPathQuantity.aligned(x, y).map { $0.0 == $0.1 }
        default:
            return false
        }
    }

    /// Equivalence of two items: strings ignoring case and spacing, decimals at the precision of
    /// the less precise, dates at different precisions not equivalent.
    static func equivalent(_ lhs: Value, _ rhs: Value) -> Bool {
        if case .element(let a) = lhs, case .element(let b) = rhs, a.value == nil || b.value == nil {
            return elementsEqual(a, b, equivalence: true) == true
        }
        let a = primitive(lhs)
        let b = primitive(rhs)
        switch (a, b) {
        case (.string(let x), .string(let y)):
            return normalized(x) == normalized(y)
        case (.integer, .decimal), (.decimal, .integer), (.decimal, .decimal), (.integer, .integer):
            let scale = min(Self.scale(of: lhs), Self.scale(of: rhs))
            return rounded(number(a)!, scale) == rounded(number(b)!, scale)
        case (.quantity(let x), .quantity(let y)):
            guard let (u, v) = FHIRPathQuantity.aligned(x, y, forEquivalence: true) else { return false }
            let scale = min(decimalScale(x.value), decimalScale(y.value))
            return rounded(u, scale) == rounded(v, scale)
        default:
            return equal(lhs, rhs) == true
        }
    }

    /// Whether two elements are equal (or equivalent): the same children with equal values,
    /// recursively.
    static func elementsEqual(_ a: Element, _ b: Element, equivalence: Bool) -> Bool? {
        if a.value != nil || b.value != nil {
            guard let x = Value.system(of: a), let y = Value.system(of: b) else { return false }
            if equivalence { return equivalent(x, y) }
            guard let equal = equal(x, y), equal else { return false }
        }
        guard a.children.count == b.children.count else { return false }
        for (x, y) in zip(a.children, b.children) {
            guard x.name == y.name else { return false }
            guard elementsEqual(x, y, equivalence: equivalence) == true else { return false }
        }
        return true
    }

    static func normalized(_ text: String) -> String {
        text.lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// Decimal places of a number: as written for FHIR decimals, else of the value.
    static func scale(of value: Value) -> Int {
        if case .element(let element) = value, let text = element.value?.text {
            guard let dot = text.firstIndex(of: ".") else { return 0 }
            return text[text.index(after: dot)...].prefix(while: { $0.isNumber }).count
        }
        if case .decimal(let decimal) = value { return decimalScale(decimal) }
        return 0
    }

    static func decimalScale(_ decimal: Decimal) -> Int { max(0, -decimal.exponent) }

    static func rounded(_ value: Decimal, _ scale: Int, mode: NSDecimalNumber.RoundingMode = .plain) -> Decimal {
        var input = value
        var result = Decimal()
        NSDecimalRound(&result, &input, scale, mode)
        return result
    }

    /// Rounded toward zero.
    static func truncated(_ value: Decimal) -> Decimal {
        value < 0 ? -rounded(-value, 0, mode: .down) : rounded(value, 0, mode: .down)
    }

    /// Rounded toward negative infinity.
    static func floored(_ value: Decimal) -> Decimal {
        value < 0 ? -rounded(-value, 0, mode: .up) : rounded(value, 0, mode: .down)
    }

    /// Rounded toward positive infinity.
    static func ceiled(_ value: Decimal) -> Decimal {
        value < 0 ? -rounded(-value, 0, mode: .down) : rounded(value, 0, mode: .up)
    }

    static func number(_ value: Value) -> Decimal? {
        switch value {
        case .integer(let integer): Decimal(integer)
        case .decimal(let decimal): decimal
        default: nil
        }
    }

    /// A string compared with a date, time or date-time: the string read as one.
    static func temporalPair(_ a: Value, _ b: Value) -> (FHIRPathTemporal, FHIRPathTemporal)? {
        func read(_ text: String, like other: Value) -> FHIRPathTemporal? {
            switch other {
            case .date, .dateTime: FHIRPathTemporal.dateTime(text)
            case .time: FHIRPathTemporal.time(text)
            default: nil
            }
        }
        switch (a, b) {
        case (.string(let text), .date(let y)), (.string(let text), .dateTime(let y)), (.string(let text), .time(let y)):
            return read(text, like: b).map { ($0, y) }
        case (.date(let x), .string(let text)), (.dateTime(let x), .string(let text)), (.time(let x), .string(let text)):
            return read(text, like: a).map { (x, $0) }
        default:
            return nil
        }
    }

    /// The order of two items: `nil` when unknown.
    static func compare(_ lhs: Value, _ rhs: Value, at offset: Int) throws(FHIRPathError) -> ComparisonResult? {
        let a = comparable(lhs)
        let b = comparable(rhs)
        func order<T: Comparable>(_ x: T, _ y: T) -> ComparisonResult {
            x == y ? .orderedSame : (x < y ? .orderedAscending : .orderedDescending)
        }
        switch (a, b) {
        case (.integer(let x), .integer(let y)): return order(x, y)
        case (.integer, .decimal), (.decimal, .integer), (.decimal, .decimal): return order(number(a)!, number(b)!)
        case (.string(let x), .string(let y)):
            if x == y { return .orderedSame }
            return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) ? .orderedAscending : .orderedDescending
        case (.date(let x), .date(let y)), (.date(let x), .dateTime(let y)), (.dateTime(let x), .date(let y)),
            (.dateTime(let x), .dateTime(let y)), (.time(let x), .time(let y)):
            return FHIRPathTemporal.compare(x, y)
        case (.string, .date), (.string, .dateTime), (.string, .time), (.date, .string), (.dateTime, .string), (.time, .string):
            guard let (x, y) = temporalPair(a, b) else {
                throw FHIRPathError(.typeMismatch, at: offset, "a string that is not a date compared with a date")
            }
            return FHIRPathTemporal.compare(x, y)
        case (.quantity(let x), .quantity(let y)):
            return FHIRPathQuantity.aligned(x, y).map { order($0.0, $0.1) }
        case (.quantity(let x), .integer), (.quantity(let x), .decimal):
            return x.unit == "1" ? order(x.value, number(b)!) : nil
        case (.integer, .quantity(let y)), (.decimal, .quantity(let y)):
            return y.unit == "1" ? order(number(a)!, y.value) : nil
        default:
            throw FHIRPathError(.typeMismatch, at: offset, "\(a.typeName) and \(b.typeName) cannot be compared")
        }
    }

    // MARK: Arithmetic

    static func arithmetic(_ op: Node.BinaryOperator, _ a: Value, _ b: Value, at offset: Int) throws(FHIRPathError) -> Value? {
        switch (op, a, b) {
        case (.add, .integer(let x), .integer(let y)):
            let (sum, overflow) = x.addingReportingOverflow(y)
            return overflow ? nil : .integer(sum)
        case (.subtract, .integer(let x), .integer(let y)):
            let (difference, overflow) = x.subtractingReportingOverflow(y)
            return overflow ? nil : .integer(difference)
        case (.multiply, .integer(let x), .integer(let y)):
            let (product, overflow) = x.multipliedReportingOverflow(by: y)
            return overflow ? nil : .integer(product)
        case (.div, .integer(let x), .integer(let y)):
            return y == 0 ? nil : .integer(x / y)
        case (.mod, .integer(let x), .integer(let y)):
            return y == 0 ? nil : .integer(x % y)
        case (.add, .string(let x), .string(let y)):
            return .string(x + y)
        case (_, .integer, .integer), (_, .integer, .decimal), (_, .decimal, .integer), (_, .decimal, .decimal):
            let x = number(a)!
            let y = number(b)!
            switch op {
            case .add: return .decimal(x + y)
            case .subtract: return .decimal(x - y)
            case .multiply: return .decimal(x * y)
            case .divide: return y == 0 ? nil : .decimal(x / y)
            case .div:
                guard y != 0 else { return nil }
                let quotient = truncated(x / y)
                return Int(exactly: NSDecimalNumber(decimal: quotient).int64Value).map { .integer($0) } ?? .decimal(quotient)
            case .mod:
                guard y != 0 else { return nil }
                return .decimal(x - y * truncated(x / y))
            default: break
            }
        case (.add, .date(let x), .quantity(let q)), (.add, .dateTime(let x), .quantity(let q)), (.add, .time(let x), .quantity(let q)),
            (.subtract, .date(let x), .quantity(let q)), (.subtract, .dateTime(let x), .quantity(let q)), (.subtract, .time(let x), .quantity(let q)):
            guard let moved = try add(q, to: x, negative: op == .subtract, at: offset) else { return nil }
            switch a {
            case .date: return .date(moved)
            case .time: return .time(moved)
            default: return .dateTime(moved)
            }
        case (.add, .quantity(let x), .quantity(let y)), (.subtract, .quantity(let x), .quantity(let y)):
            guard let right = y.converted(to: x.unit) else { return nil }
            return .quantity(FHIRPathQuantity(value: op == .add ? x.value + right.value : x.value - right.value, unit: x.unit))
        case (.multiply, .quantity(let x), .integer), (.multiply, .quantity(let x), .decimal):
            return .quantity(FHIRPathQuantity(value: x.value * number(b)!, unit: x.unit))
        case (.multiply, .integer, .quantity(let y)), (.multiply, .decimal, .quantity(let y)):
            return .quantity(FHIRPathQuantity(value: number(a)! * y.value, unit: y.unit))
        case (.divide, .quantity(let x), .integer), (.divide, .quantity(let x), .decimal):
            let y = number(b)!
            return y == 0 ? nil : .quantity(FHIRPathQuantity(value: x.value / y, unit: x.unit))
        case (.divide, .quantity(let x), .quantity(let y)):
            guard let right = y.converted(to: x.unit), right.value != 0 else { return nil }
            return .quantity(FHIRPathQuantity(value: x.value / right.value, unit: "1"))
        default:
            break
        }
        throw FHIRPathError(.typeMismatch, at: offset, "'\(op.rawValue)' is not defined for \(a.typeName) and \(b.typeName)")
    }

    /// A date, date-time or time moved by a time quantity.
    static func add(_ quantity: FHIRPathQuantity, to value: FHIRPathTemporal, negative: Bool, at offset: Int) throws(FHIRPathError) -> FHIRPathTemporal? {
        let amount = negative ? -quantity.value : quantity.value
        let unit = FHIRPathQuantity.calendarUnits[quantity.unit] ?? quantity.unit
        func whole(_ decimal: Decimal) -> Int { NSDecimalNumber(decimal: truncated(decimal)).intValue }
        switch unit {
        case "year", "a":
            return value.year == nil ? nil : value.adding(months: whole(amount) * 12)
        case "month", "mo":
            return value.year == nil ? nil : value.adding(months: whole(amount))
        default:
            guard let factor = FHIRPathQuantity.timeFactors[unit] else {
                throw FHIRPathError(.typeMismatch, at: offset, "a date or time moves only by a time quantity")
            }
            let unitMilliseconds = factor * 1000
            // Days and weeks move whole days; finer units move by milliseconds.
            let milliseconds = unitMilliseconds >= 86_400_000 ? Decimal(whole(amount)) * unitMilliseconds : amount * unitMilliseconds
            return value.adding(milliseconds: NSDecimalNumber(decimal: rounded(milliseconds, 0)).intValue)
        }
    }
}
