/// The functions the evaluator knows, with the number of arguments each takes.
enum FHIRPathFunction: String, Sendable, CaseIterable {
    // Existence
    case empty, exists, all, allTrue, anyTrue, allFalse, anyFalse, subsetOf, supersetOf, count, distinct, isDistinct
    // Filtering and projection
    case `where`, select, `repeat`, ofType
    // Subsetting
    case single, first, last, tail, skip, take, intersect, exclude
    // Combining
    case union, combine
    // Conversion
    case iif
    case toBoolean, convertsToBoolean, toInteger, convertsToInteger, toDecimal, convertsToDecimal
    case toString, convertsToString, toDate, convertsToDate, toDateTime, convertsToDateTime
    case toTime, convertsToTime, toQuantity, convertsToQuantity
    // Strings
    case indexOf, lastIndexOf, substring, startsWith, endsWith, contains, upper, lower, replace, matches, replaceMatches
    case length, toChars, split, join, trim
    // Math
    case abs, ceiling, exp, floor, ln, log, power, round, sqrt, truncate
    // Tree navigation
    case children, descendants
    // Utility
    case trace, now, today, timeOfDay
    // Aggregates
    case aggregate
    // Boolean logic and types
    case not, `is`, `as`
    // FHIR
    case `extension`, hasValue, getValue, resolve, memberOf, htmlChecks, conformsTo, elementDefinition, slice
    case checkModifiers, subsumes, subsumedBy

    /// How many arguments the function takes.
    var arity: ClosedRange<Int> {
        switch self {
        case .empty, .allTrue, .anyTrue, .allFalse, .anyFalse, .count, .distinct, .isDistinct, .single, .first, .last,
            .tail, .toBoolean, .convertsToBoolean, .toInteger, .convertsToInteger, .toDecimal, .convertsToDecimal,
            .toString, .convertsToString, .toDate, .convertsToDate, .toDateTime, .convertsToDateTime, .toTime,
            .convertsToTime, .upper, .lower, .length, .toChars, .trim, .abs, .ceiling, .exp, .floor, .ln, .sqrt,
            .truncate, .children, .descendants, .now, .today, .timeOfDay, .not, .hasValue, .getValue, .resolve,
            .htmlChecks, .elementDefinition:
            0...0
        case .exists, .toQuantity, .convertsToQuantity, .join, .round:
            0...1
        case .all, .subsetOf, .supersetOf, .where, .select, .repeat, .ofType, .skip, .take, .intersect, .exclude,
            .union, .combine, .indexOf, .lastIndexOf, .startsWith, .endsWith, .contains, .matches, .split, .log, .power,
            .is, .as, .extension, .memberOf, .conformsTo, .checkModifiers, .subsumes, .subsumedBy:
            1...1
        case .substring, .trace, .aggregate:
            1...2
        case .replace, .replaceMatches, .slice:
            2...2
        case .iif:
            2...3
        }
    }
}
