import ArgumentParser
import HL7v2

/// `lienthong hl7 parse FILE…`
struct HL7ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse HL7 v2 messages and print each as JSON.",
        discussion: """
            Reads every message of every file (batches and several messages per file included; \
            '-' reads standard input). Exits 1 when any message is malformed; each problem is \
            printed to standard error with its file, line, segment and field.
            """
    )

    @Argument(help: "Files to parse ('-' for standard input).")
    var files: [String]

    @Flag(help: "Parse every message fully but print only counts and errors.")
    var count = false

    @Flag(help: "With --count: also print the parse time (the file read is not counted).")
    var stats = false

    @Flag(help: "Print each message on one line (JSON Lines).")
    var compact = false

    @Flag(help: "Keep formatting escapes (\\.br\\, \\H\\, …) as written.")
    var keepFormatting = false

    func run() throws {
        var failed = false
        for path in files {
            let input = try InputFile.read(path)
            var messages = 0
            var malformed = 0
            var lines: LineMap? = nil
            let clock = ContinuousClock()
            let started = clock.now
            let interchange = Interchange(parsing: input.bytes, keepMessages: false) { message in
                messages += 1
                for var issue in message.issues {
                    if let offset = issue.location.byteOffset {
                        if lines == nil { lines = LineMap(input.bytes) }
                        issue.location.line = lines?.line(of: offset)
                    }
                    printError("\(input.name): message \(messages): \(issue)")
                }
                if message.isMalformed { malformed += 1 }
                if !count {
                    print(message.json(pretty: !compact, options: keepFormatting ? .keepingFormatting : .default))
                }
            }
            let elapsed = clock.now - started
            for error in interchange.errors {
                printError("\(input.name): \(error)")
            }
            if !interchange.errors.isEmpty || malformed > 0 { failed = true }
            if count {
                print("\(input.name): \(messages) messages, \(interchange.errors.count + malformed) errors")
                if stats {
                    print("parse: \(input.bytes.count) bytes, \(messages) messages, \(elapsed.seconds) s")
                }
            }
        }
        if failed { throw ExitCode(1) }
    }
}
