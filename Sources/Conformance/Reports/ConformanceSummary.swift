/// The counts of a run: `N passed, M failed, K skipped`.
public struct ConformanceSummary: Sendable, Hashable, CustomStringConvertible {
    public var passed: Int
    public var failed: Int
    public var skipped: Int

    /// Counts `results`.
    public init(_ results: [CaseResult]) {
        passed = results.count { $0.status == .passed }
        failed = results.count { $0.status == .failed }
        skipped = results.count { $0.status == .skipped }
    }

    /// Whether every case that ran passed (skipped cases do not fail a run).
    public var allPassed: Bool { failed == 0 }

    public var description: String { "\(passed) passed, \(failed) failed, \(skipped) skipped" }
}
