import Foundation

/// One run of the built `lienthong` executable: its exit status and what it printed.
struct CommandRun {
    var status: Int32
    var output: String
    var errors: String

    /// Runs `lienthong` with `arguments` and waits for it.
    init(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = try CrashTests.executable()
        process.arguments = arguments
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
