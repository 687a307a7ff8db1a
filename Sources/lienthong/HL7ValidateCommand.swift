import ArgumentParser
import HL7v2

/// `lienthong hl7 validate FILE…`: validates every message of every file against the HL7 v2
/// definitions of its version.
struct HL7ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate message structure, required fields, data types and table values.",
        discussion: """
            Reads every message of every file (batches and several messages per file included; \
            '-' reads standard input) and prints, for each message, 'valid' or one line per \
            issue: severity, HL7 error condition (table 0357) and name, location, segment, line \
            and explanation. Parse errors are printed too. Exits 1 when any message has an error \
            or any part of a file cannot be parsed, 0 otherwise.
            """
    )

    /// Which tables to check, on the command line.
    enum Tables: String, ExpressibleByArgument, CaseIterable {
        case standard, all, none
    }

    @Argument(help: "Files to validate ('-' for standard input).")
    var files: [String]

    @Option(help: "Tables to check coded values against: standard (0001 0003 0004 0076 0085 0203), all, none.")
    var tables: Tables = .standard

    @Flag(help: "Do not check the segment sequence against the message structure.")
    var noStructure = false

    @Flag(help: "Do not check data type formats (DTM, DT, TM, NM, SI).")
    var noDataTypes = false

    @Flag(help: "Print only messages that have errors, and a summary per file.")
    var quiet = false

    @Flag(help: "Also print the time spent validating (parsing and printing not counted).")
    var stats = false

    func run() throws {
        var configuration = Validator.Configuration()
        configuration.checksStructure = !noStructure
        configuration.checksDataTypes = !noDataTypes
        switch tables {
        case .standard: configuration.tables = .standard
        case .all: configuration.tables = .all
        case .none: configuration.tables = .none
        }
        let validator = Validator(configuration: configuration)
        var failed = false
        for path in files {
            let input = try InputFile.read(path)
            var lineMap: LineMap?
            func lines() -> LineMap {
                if let lineMap { return lineMap }
                let built = LineMap(input.bytes)
                lineMap = built
                return built
            }
            var number = 0
            var invalid = 0
            let clock = ContinuousClock()
            var validating = Duration.zero
            let interchange = Interchange(parsing: input.bytes, keepMessages: false) { message in
                number += 1
                let started = clock.now
                let result = validator.validate(message)
                validating += clock.now - started
                if !result.isValid { invalid += 1 }
                let type = [message.messageType, message.triggerEvent].compactMap { $0 }.joined(separator: "^")
                let version = result.version.map { message.version == $0 ? "v\($0)" : "v\(message.version ?? "?") as \($0)" } ?? "v\(message.version ?? "?")"
                let header = "\(input.name): message \(number) (\(type.isEmpty ? "?" : type), control ID \(message.controlID ?? "?"), \(version))"
                if result.issues.isEmpty {
                    if !quiet { print("\(header): valid") }
                    return
                }
                let errors = result.errors.count
                if quiet && errors == 0 { return }
                let counts = [(errors, "error"), (result.warnings.count, "warning"), (result.issues.count - errors - result.warnings.count, "note")]
                    .filter { $0.0 > 0 }
                    .map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }
                    .joined(separator: ", ")
                print("\(header): \(errors == 0 ? "valid" : "invalid") (\(counts))")
                for issue in result.issues {
                    print("  " + Self.line(for: issue, lines: lines()))
                }
            }
            for error in interchange.errors {
                var location = error.location
                if location.line == nil, let offset = location.byteOffset { location.line = lines().line(of: offset) }
                print("\(input.name): parse error \(error.code.condition) \(error.code.name) at \(location): \(error.message)")
            }
            if stats {
                print("validate: \(input.bytes.count) bytes, \(number) messages, \(validating.seconds) s")
            }
            if quiet {
                print("\(input.name): \(number) message\(number == 1 ? "" : "s"), \(invalid) invalid, \(interchange.errors.count) parse error\(interchange.errors.count == 1 ? "" : "s")")
            }
            if invalid > 0 || !interchange.errors.isEmpty { failed = true }
        }
        if failed { throw ExitCode(1) }
    }

    /// `error 101 required-field-missing PID-3 segment 3 line 3: …`
    static func line(for issue: Issue, lines: LineMap) -> String {
        var parts = ["\(issue.severity)", "\(issue.code.condition)", issue.code.name]
        let location = issue.location
        if let path = location.path { parts.append(path) }
        if let index = location.segmentIndex { parts.append("segment \(index)") }
        if let line = location.line ?? location.byteOffset.map(lines.line(of:)) { parts.append("line \(line)") }
        return parts.joined(separator: " ") + ": " + issue.message
    }
}
