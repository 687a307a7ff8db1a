import Dispatch
public import Foundation
import Synchronization

/// A program run by a test: its output collected as it comes, its end awaited without holding
/// one of Swift concurrency's threads.
///
/// Tests of a server run on a machine with two cores get two threads for all their tasks. A
/// blocking read of a child's output, or `waitUntilExit()`, on one of them stalls every other
/// test for as long as the child runs. `ChildProcess` reads and waits on threads of its own and
/// hands the results to async code.
public final class ChildProcess: Sendable {
    /// How a finished run ended and what it printed.
    public struct Ended: Sendable {
        /// The exit status (or the signal's number when a signal ended it).
        public var status: Int32
        /// Everything it wrote to standard output.
        public var output: String
        /// Everything it wrote to standard error.
        public var errors: String
    }

    private struct State {
        var output = ""
        var errors = ""
        var status: Int32?
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }

    private let state = Mutex(State())
    private let process: Process

    /// The child's process ID.
    public let processIdentifier: Int32

    /// Starts `executable` with `arguments`; `environment` is added to this process's.
    ///
    /// Standard input is `/dev/null`.
    public init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        processIdentifier = process.processIdentifier

        let streams = DispatchGroup()
        Self.read(output.fileHandleForReading, group: streams) { chunk in self.state.withLock { $0.output += chunk } }
        Self.read(errors.fileHandleForReading, group: streams) { chunk in self.state.withLock { $0.errors += chunk } }
        Thread.detachNewThread {
            process.waitUntilExit()
            // A grandchild may hold the pipes open; what the child wrote is read by then.
            _ = streams.wait(timeout: .now() + 5)
            let status = process.terminationStatus
            let waiters = self.state.withLock { state in
                state.status = status
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: status) }
        }
    }

    private static func read(_ handle: FileHandle, group: DispatchGroup, append: @escaping @Sendable (String) -> Void) {
        group.enter()
        Thread.detachNewThread {
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                append(String(decoding: data, as: UTF8.self))
            }
            group.leave()
        }
    }

    /// Runs `executable` to its end, for at most `timeout`.
    ///
    /// - Throws: ``TimedOut`` (after killing it) when it has not ended within `timeout`.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(120)
    ) async throws -> Ended {
        let child = try ChildProcess(executable, arguments, environment: environment)
        guard let status = await child.exit(within: timeout) else {
            throw TimedOut(arguments: arguments, timeout: timeout, errors: String(child.errors.suffix(2000)))
        }
        return Ended(status: status, output: child.output, errors: child.errors)
    }

    /// A child that did not end in time, and the end of what it wrote to standard error.
    public struct TimedOut: Error, CustomStringConvertible {
        /// Its arguments.
        public var arguments: [String]
        /// How long it was given.
        public var timeout: Duration
        /// The last 2,000 characters of its standard error.
        public var errors: String

        public var description: String {
            "\(arguments.joined(separator: " ")) did not end within \(timeout) (killed); its last errors: \(errors)"
        }
    }

    /// What it has written to standard output so far.
    public var output: String { state.withLock { $0.output } }

    /// What it has written to standard error so far.
    public var errors: String { state.withLock { $0.errors } }

    /// Whether it is still running.
    public var isRunning: Bool { state.withLock { $0.status == nil } }

    /// The complete lines of standard output so far that begin with `prefix`.
    public func lines(prefixed prefix: String) -> [String] {
        let text = output
        let complete = text.lastIndex(of: "\n").map { text[...$0] } ?? ""
        return complete.split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) }
    }

    /// Sends `signal` (`SIGTERM` by default) unless it has ended.
    public func signal(_ signal: Int32 = SIGTERM) {
        if isRunning { kill(processIdentifier, signal) }
    }

    /// Waits for it to end; its exit status.
    public func exit() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status: Int32? = state.withLock { state in
                if state.status == nil { state.waiters.append(continuation) }
                return state.status
            }
            if let status { continuation.resume(returning: status) }
        }
    }

    /// Waits up to `timeout` for it to end; its exit status, or `nil` when it was still running
    /// and has been killed (SIGKILL) — a bound against a child that hangs, so no caller waits
    /// for ever.
    public func exit(within timeout: Duration) async -> Int32? {
        _ = await ProcessTesting.eventually(timeout: timeout) { !isRunning }
        guard isRunning else { return await exit() }
        signal(SIGKILL)
        _ = await exit()
        return nil
    }

    /// Waits, checking every 100 ms for up to `seconds`, until `condition` holds; whether it did.
    ///
    /// A bound against hangs, not a timing assertion: when a condition does not hold in time,
    /// the test fails and says what it waited for. It stops waiting when the process has ended
    /// (after one last check).
    public func eventually(seconds: Int = 60, _ condition: (ChildProcess) throws -> Bool) async rethrows -> Bool {
        var held = false
        _ = try await ProcessTesting.eventually(timeout: .seconds(seconds)) {
            held = try condition(self)
            return held || !isRunning
        }
        return try held || condition(self)
    }
}
