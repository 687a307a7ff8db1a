import Foundation

/// One run of the built `lienthong` executable: its exit status and what it printed.
struct CommandRun {
    var status: Int32
    var output: String
    var errors: String

    /// Runs `lienthong` with `arguments`, and `environment` added to this process's, and waits for it.
    init(_ arguments: [String], environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = try CrashTests.executable()
        process.arguments = arguments
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        status = process.terminationStatus
        self.output = String(decoding: out, as: UTF8.self)
        self.errors = String(decoding: err, as: UTF8.self)
    }
}
