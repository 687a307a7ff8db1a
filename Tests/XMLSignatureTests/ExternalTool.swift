import Foundation

/// A command-line tool the interoperability tests run: `openssl` (test keys and certificates)
/// and `xmlsec1` (the independent XML signature implementation, Debian package `xmlsec1`, which
/// scripts/test installs). A missing tool fails the test that needs it, loudly; set
/// `LIENTHONG_SKIP_XMLSEC=1` to skip the interoperability tests instead.
struct ExternalTool {
    struct Missing: Error, CustomStringConvertible {
        var name: String
        var description: String {
            "\(name) is not on PATH: install it (Debian: apt-get install \(name == "xmlsec1" ? "xmlsec1" : "openssl"); "
                + "scripts/test does) or set LIENTHONG_SKIP_XMLSEC=1 to skip the interoperability tests"
        }
    }

    /// One run: exit status and what the tool printed.
    struct Run {
        var status: Int32
        var output: String
        var errors: String
    }

    /// Whether the environment asks to skip tests that need `xmlsec1`.
    static var skipsInterop: Bool { ProcessInfo.processInfo.environment["LIENTHONG_SKIP_XMLSEC"] == "1" }

    let executable: URL

    /// Finds a tool on PATH.
    init(_ name: String) throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for folder in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) {
                executable = candidate
                return
            }
        }
        throw Missing(name: name)
    }

    /// Runs the tool and waits for it.
    @discardableResult
    func run(_ arguments: [String]) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, output: String(decoding: out, as: UTF8.self),
            errors: String(decoding: err, as: UTF8.self))
    }
}
