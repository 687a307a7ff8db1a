import ArgumentParser
import FHIR
import Foundation
import HL7v2
import Mapping

/// `lienthong map run|list|check`
struct MapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "map",
        abstract: "Map HL7 v2 messages to FHIR with the mappings under mappings/ (docs/MAPPING.md).",
        subcommands: [MapRunCommand.self, MapListCommand.self, MapCheckCommand.self]
    )

    /// Loads the mappings folder, or fails with every problem (file:line: message).
    static func library(_ folder: String) throws -> MappingLibrary {
        do {
            return try MappingLibrary(folder: URL(fileURLWithPath: folder))
        } catch {
            throw CLIError("\(error)\n\(error.errors.count) problem\(error.errors.count == 1 ? "" : "s") in \(folder)")
        }
    }
}

/// `--mappings DIR`, shared by the map commands.
struct MappingOptions: ParsableArguments {
    @Option(help: "The mappings folder.")
    var mappings = "mappings"
}

/// `lienthong map run [--mapping NAME] [--trace] FILE…`
struct MapRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Map each message of the files to a FHIR Bundle (JSON, one line per message).",
        discussion: """
            Without --mapping, the message map is chosen by MSH-9 (type^event). Problems (values \
            that could not be converted, codes without a mapping) and the segments no rule read go \
            to standard error with the mapping rule (file:line) and the place in the message. Exit \
            status 1 when a message could not be mapped.
            """
    )

    @OptionGroup var options: MappingOptions

    @Option(help: "The message map to use (its file name without .map).")
    var mapping: String?

    @Flag(help: "Print which mapping rule produced which element, to standard error.")
    var trace = false

    @Flag(help: "Pretty-print the Bundles.")
    var pretty = false

    @Flag(help: "Print no Bundles or problems, only failures (and --stats).")
    var quiet = false

    @Option(help: "Map every message this many times (for benchmarks); output is printed once.")
    var `repeat` = 1

    @Flag(help: "Print the count, the time and the rate (messages/s) to standard error.")
    var stats = false

    @Argument(help: "Files of HL7 v2 messages ('-' for standard input).")
    var files: [String]

    func run() async throws {
        let mapper = V2ToFHIR(library: try MapCommand.library(options.mappings), options: .init(trace: trace))
        var failed = false
        var inputs: [(name: String, messages: [Message])] = []
        for file in files {
            let input = try InputFile.read(file)
            let interchange = Interchange(parsing: input.bytes)
            for error in interchange.errors { printError("\(input.name): \(error)") }
            failed = failed || !interchange.errors.isEmpty
            inputs.append((input.name, interchange.messages))
        }
        let clock = ContinuousClock()
        let start = clock.now
        var count = 0
        for round in 0..<max(1, `repeat`) {
            for (name, messages) in inputs {
                for (index, message) in messages.enumerated() {
                    count += 1
                    let converted = Result { () throws(MappingError) in try convert(message, with: mapper) }
                    guard round == 0 else { continue }
                    failed = report(converted, place: "\(name) message \(index + 1) (\(message.controlID ?? "no control ID"))") || failed
                }
            }
        }
        if stats {
            let elapsed = clock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            printError(String(format: "mapped %d messages in %.3f s: %.0f messages/s", count, seconds, Double(count) / seconds))
        }
        if failed { throw ExitCode(1) }
    }

    /// Maps with `--mapping`, or with the map of the message's event.
    func convert(_ message: Message, with mapper: V2ToFHIR) throws(MappingError) -> MappingResult {
        if let mapping { return try mapper.convert(message, map: mapping) }
        return try mapper.convert(message)
    }

    /// Prints one result (unless quiet); returns whether it failed.
    func report(_ converted: Result<MappingResult, MappingError>, place: String) -> Bool {
        switch converted {
        case .failure(let error):
            printError("\(place): \(error)")
            return true
        case .success(let result):
            guard !quiet else { return false }
            for issue in result.issues { printError("\(place): \(issue)") }
            if !result.unmappedSegments.isEmpty {
                printError("\(place): not mapped: \(result.unmappedSegments.joined(separator: ", "))")
            }
            for line in result.trace { printError("\(place): \(line)") }
            if pretty {
                do {
                    print(String(decoding: try result.bundle().json(pretty: true), as: UTF8.self))
                } catch {
                    printError("\(place): \(error)")
                    return true
                }
            } else {
                print(String(decoding: result.json, as: UTF8.self))
            }
            return false
        }
    }
}

/// `lienthong map list`
struct MapListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the mappings and the events the message maps take.")

    @OptionGroup var options: MappingOptions

    func run() async throws {
        let library = try MapCommand.library(options.mappings)
        let names = library.mapNames
        print("message maps:")
        for event in library.events { print("  \(event)") }
        print("segment maps: \(names.segments.joined(separator: ", "))")
        print("data-type maps: \(names.datatypes.joined(separator: ", "))")
        print("vocabulary maps: \(names.vocabularies.joined(separator: ", "))")
    }
}

/// `lienthong map check`
struct MapCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Load and check every mapping; print each problem with its file and line.",
        discussion: "Exit status 0 when every mapping loads, 1 otherwise."
    )

    @OptionGroup var options: MappingOptions

    func run() async throws {
        let library = try MapCommand.library(options.mappings)
        let names = library.mapNames
        print("ok: \(names.messages.count) message maps (\(library.events.count) events), \(names.segments.count) segment maps, "
            + "\(names.datatypes.count) data-type maps, \(names.vocabularies.count) vocabulary maps")
    }
}
