/// A failed expectation of ``StoreConformance``, with where it failed.
public struct ConformanceFailure: Error, Sendable, CustomStringConvertible {
    /// What was expected.
    public var message: String
    /// The source file of the expectation.
    public var file: String
    /// The line of the expectation.
    public var line: Int

    /// Creates a failure.
    public init(_ message: String, file: String = #fileID, line: Int = #line) {
        self.message = message
        self.file = file
        self.line = line
    }

    /// `file:line: message`.
    public var description: String { "\(file):\(line): \(message)" }
}

/// Throws a ``ConformanceFailure`` unless `condition` holds.
func expect(_ condition: Bool, _ message: @autoclosure () -> String, file: String = #fileID, line: Int = #line) throws {
    guard condition else { throw ConformanceFailure(message(), file: file, line: line) }
}

/// Throws a ``ConformanceFailure`` unless `actual == expected`.
func expectEqual<T: Equatable>(_ actual: T, _ expected: T, _ what: String, file: String = #fileID, line: Int = #line) throws {
    guard actual == expected else {
        throw ConformanceFailure("\(what): expected \(expected), got \(actual)", file: file, line: line)
    }
}
