public import Logging

/// Runs suites against a target: for `local`, each suite's own bus (``LocalBus``); cases of a
/// suite in parallel (``Configuration/jobs`` at a time), each within its time limit, none
/// retried. Cases that cannot run against the target are skipped with the reason.
///
/// ```swift
/// let runner = ConformanceRunner(configuration: .init(target: .local), logger: logger)
/// let results = try await runner.run([suite]) { result in print(result.status, result.name) }
/// ```
public struct ConformanceRunner: Sendable {
    /// How long after a case's time limit the runner stops a check that has not returned.
    static let hangGrace: Duration = .seconds(30)

    /// How to run.
    public struct Configuration: Sendable {
        /// What is tested.
        public var target: ConformanceTarget
        /// Cases of a suite run at the same time.
        public var jobs: Int
        /// Each case's time limit, unless the case sets its own.
        public var timeout: Duration
        /// Whether `map` cases write their actual output over their golden files.
        public var updatesGoldens: Bool

        /// Creates a configuration: `local`, 4 jobs, 10 s per case.
        public init(target: ConformanceTarget = .local, jobs: Int = 4, timeout: Duration = .seconds(10), updatesGoldens: Bool = false) {
            self.target = target
            self.jobs = jobs
            self.timeout = timeout
            self.updatesGoldens = updatesGoldens
        }
    }

    /// How to run.
    public var configuration: Configuration
    let logger: Logger
    let shared = SharedResources()

    /// Creates a runner; `logger` gets the bus's logs on the local target.
    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs the suites one after the other; calls `onResult` as each case ends.
    ///
    /// - Returns: every case's result, in suite and manifest order.
    /// - Throws: ``ConformanceError`` when the local bus of a suite cannot start.
    public func run(
        _ suites: [ConformanceSuite], onResult: @escaping @Sendable (CaseResult) -> Void = { _ in }
    ) async throws(ConformanceError) -> [CaseResult] {
        var results: [CaseResult] = []
        for suite in suites {
            results += try await run(suite, onResult: onResult)
        }
        return results
    }

    func run(_ suite: ConformanceSuite, onResult: @escaping @Sendable (CaseResult) -> Void) async throws(ConformanceError) -> [CaseResult] {
        let target = configuration.target
        let runnable = suite.cases.filter { $0.skipReason(for: target) == nil }
        // A suite whose cases all skip needs no bus.
        let bus = target.isLocal && runnable.contains(where: { ["hl7v2", "fhir"].contains($0.kind) })
            ? try await LocalBus.start(suite, logger: logger) : nil
        let jobs = max(1, configuration.jobs)
        let results = await withTaskGroup(of: (Int, CaseResult).self) { group in
            var collected = [CaseResult?](repeating: nil, count: suite.cases.count)
            var next = 0
            func startNext() {
                guard next < suite.cases.count else { return }
                let index = next
                next += 1
                let conformanceCase = suite.cases[index]
                group.addTask {
                    let result = await self.run(conformanceCase, of: suite, bus: bus)
                    onResult(result)
                    return (index, result)
                }
            }
            for _ in 0..<jobs { startNext() }
            while let (index, result) = await group.next() {
                collected[index] = result
                startNext()
            }
            return collected.compactMap { $0 }
        }
        await bus?.stop()
        return results
    }

    func run(_ conformanceCase: ConformanceCase, of suite: ConformanceSuite, bus: LocalBus?) async -> CaseResult {
        var result = CaseResult(suite: suite.name, id: conformanceCase.id, kind: conformanceCase.kind, summary: conformanceCase.summary, status: .skipped)
        if let reason = conformanceCase.skipReason(for: configuration.target) {
            result.message = reason
            return result
        }
        let timeout = conformanceCase.timeout ?? configuration.timeout
        let context = CaseContext(
            suite: suite, target: configuration.target, bus: bus, shared: shared, updatesGoldens: configuration.updatesGoldens, timeout: timeout)
        let start = ContinuousClock.now
        let outcome: Result<CheckOutcome, any Error>? = await withTaskGroup(of: Result<CheckOutcome, any Error>?.self) { group in
            group.addTask {
                do { return .success(try await conformanceCase.check.run(in: context)) } catch { return .failure(error) }
            }
            group.addTask {
                // A guard against a check that hangs. Checks stop waiting (for ACKs, answers,
                // deliveries) at the limit themselves and report what was late; on a busy machine
                // the report itself can be late by seconds, so the guard leaves them time.
                try? await Task.sleep(for: timeout + Self.hangGrace)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        result.duration = ContinuousClock.now - start
        switch outcome {
        case nil:
            result.status = .failed
            result.message = "timed out after \(HL7v2Exchange.milliseconds(timeout)) ms"
        case .failure(let error):
            result.status = .failed
            result.message = "could not run: \(error)"
        case .success(let outcome):
            result.status = outcome.failures.isEmpty ? .passed : .failed
            result.message = outcome.failures.joined(separator: "\n")
            result.input = outcome.input
            result.expected = outcome.expected
            result.actual = outcome.actual
            result.diff = outcome.diff
        }
        return result
    }
}
