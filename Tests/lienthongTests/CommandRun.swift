import Foundation
import ProcessTesting

/// One run of the built `lienthong` executable: its exit status and what it printed.
struct CommandRun {
    var status: Int32
    var output: String
    var errors: String

    /// Runs `lienthong` with `arguments`, and `environment` added to this process's, and waits
    /// for it (on a thread of its own: see `ChildProcess`).
    init(_ arguments: [String], environment: [String: String] = [:]) async throws {
        let ended = try await ChildProcess.run(try CrashTests.executable(), arguments, environment: environment)
        status = ended.status
        output = ended.output
        errors = ended.errors
    }
}
