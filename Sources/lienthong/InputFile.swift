import Foundation

/// A file named on the command line (`-` for standard input), read whole.
struct InputFile {
    let name: String
    let bytes: [UInt8]

    static func read(_ path: String) throws -> InputFile {
        if path == "-" {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            return InputFile(name: "<stdin>", bytes: [UInt8](data))
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CLIError("\(path): cannot open the file")
        }
        defer { try? handle.close() }
        let data = try handle.readToEnd() ?? Data()
        return InputFile(name: path, bytes: [UInt8](data))
    }
}

/// An error the CLI reports as one line and exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Writes to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
