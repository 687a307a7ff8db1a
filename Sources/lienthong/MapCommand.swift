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

    @Flag(help: "Pretty-print the Bundle (one message only).")
    var pretty = false

    @Argument(help: "Files of HL7 v2 messages ('-' for standard input).")
    var files: [String]

    func run() async throws {
        let mapper = V2ToFHIR(library: try MapCommand.library(options.mappings), options: .init(trace: trace))
        var failed = false
        for file in files {
            let input = try InputFile.read(file)
            let interchange = Interchange(parsing: input.bytes)
            for error in interchange.errors { printError("\(input.name): \(error)") }
            failed = failed || !interchange.errors.isEmpty
            for (index, message) in interchange.messages.enumerated() {
                let place = "\(input.name) message \(index + 1) (\(message.controlID ?? "no control ID"))"
                do {
                    let result = try mapping.map { name throws(MappingError) in try mapper.convert(message, map: name) } ?? mapper.convert(message)
                    for issue in result.issues { printError("\(place): \(issue)") }
                    if !result.unmappedSegments.isEmpty {
                        printError("\(place): not mapped: \(result.unmappedSegments.joined(separator: ", "))")
                    }
                    for line in result.trace { printError("\(place): \(line)") }
                    let bytes = pretty ? result.bundle.json(pretty: true) : result.json
                    print(String(decoding: bytes, as: UTF8.self))
                } catch {
                    printError("\(place): \(error)")
                    failed = true
                }
            }
        }
        if failed { throw ExitCode(1) }
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
