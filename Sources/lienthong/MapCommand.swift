import ArgumentParser
import FHIR
import Foundation
import HL7v2
import InsuranceVN
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
        abstract: "Map HL7 v2 messages to FHIR Bundles (JSON, one line per message), and FHIR Bundles to HL7 v2.",
        discussion: """
            A file of FHIR (JSON, or XML) is mapped to HL7 v2 with the maps under fhir-to-v2 \
            (ER7, segments ended by carriage returns, a line break after each message; --pretty: one \
            segment per line); without --mapping the map is chosen by the Bundle (its MessageHeader's \
            event, else the one map whose condition holds). A file of HL7 v2 messages is mapped to \
            FHIR; without --mapping, the message map is chosen by MSH-9 (type^event). Problems (values \
            that could not be converted, codes without a mapping) and the segments no rule read go \
            to standard error with the mapping rule (file:line) and the place in the message. \
            --profile applies a profile option of the mappings (e.g. vn-core: Patient and Encounter \
            claim the VN Core profiles); with --ig each Bundle is validated against R4 and the \
            guide's profiles, and its issues go to standard error. Exit status 1 when a message \
            could not be mapped or a Bundle has validation errors.
            """
    )

    @OptionGroup var options: MappingOptions

    @Option(help: "The message map to use (its file name without .map).")
    var mapping: String?

    @Option(help: "A profile option of the mappings (a `profile NAME` file), e.g. vn-core.")
    var profile: String?

    @Option(help: "Validate each Bundle against R4 and the profiles of this implementation guide folder (e.g. the VN Core IG).")
    var ig: String?

    @Flag(help: "Print which mapping rule produced which element, to standard error.")
    var trace = false

    @Flag(help: "Pretty-print the Bundles.")
    var pretty = false

    @Flag(help: "Print no Bundles or problems, only failures (and --stats).")
    var quiet = false

    @Option(help: "Map every message this many times (for benchmarks); output is printed once.")
    var `repeat` = 1

    @Flag(help: "Print the count, the time and the rate (messages/s), in wall-clock and in CPU time, to standard error.")
    var stats = false

    @Argument(help: "Files of HL7 v2 messages or of one FHIR resource each ('-' for standard input).")
    var files: [String]

    func run() async throws {
        let library = try MapCommand.library(options.mappings)
        if let profile, library.profiles[profile] == nil {
            throw CLIError("no profile option \(profile) in \(options.mappings) (known: \(library.profileNames.joined(separator: ", ")))")
        }
        let mapper = V2ToFHIR(library: library, options: .init(trace: trace, profile: profile))
        let validator = try ig.map { Validator.standard(definitions: try FHIRCommand.definitions(ig: $0)) }
        var failed = false
        var inputs: [InputFile] = []
        var resources: [InputFile] = []
        for file in files {
            let input = try InputFile.read(file)
            if Self.isFHIR(input.bytes) {
                resources.append(input)
                continue
            }
            // Parse errors first, for every file (the messages are parsed again below, in the
            // timed loop).
            let interchange = Interchange(parsing: input.bytes)
            for error in interchange.errors { printError("\(input.name): \(error)") }
            failed = failed || !interchange.errors.isEmpty
            inputs.append(input)
        }
        let clock = ContinuousClock()
        let start = clock.now
        let startCPU = CPUTime.seconds()
        var count = 0
        let reverse = FHIRToV2(library: library, options: .init(trace: trace))
        for round in 0..<max(1, `repeat`) {
            for input in resources {
                count += 1
                let converted = Result { () throws(MappingError) in try convert(input.bytes, with: reverse) }
                guard round == 0 else { continue }
                failed = report(converted, place: input.name) || failed
            }
            for input in inputs {
                // Parsed in every round: the rate counts the whole work, parse, map and write the JSON.
                let name = input.name
                for (index, message) in Interchange(parsing: input.bytes).messages.enumerated() {
                    count += 1
                    let converted = Result { () throws(MappingError) in try convert(message, with: mapper) }
                    guard round == 0 else { continue }
                    let place = "\(name) message \(index + 1) (\(message.controlID ?? "no control ID"))"
                    failed = report(converted, place: place) || failed
                    if let validator, case .success(let result) = converted {
                        failed = report(validator.validate(json: result.json, profiles: []), place: place) || failed
                    }
                }
            }
        }
        if stats {
            let elapsed = clock.now - start
            let cpu = CPUTime.seconds() - startCPU
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            printError(String(
                format: "mapped %d messages in %.3f s: %.0f messages/s (CPU time %.3f s: %.0f messages/s)",
                count, seconds, Double(count) / seconds, cpu, Double(count) / cpu))
        }
        if failed { throw ExitCode(1) }
    }

    /// Whether a file holds FHIR (its first byte after white space and a byte order mark is `{` or `<`).
    static func isFHIR(_ bytes: [UInt8]) -> Bool {
        var rest = bytes[...]
        if rest.starts(with: [0xEF, 0xBB, 0xBF]) { rest = rest.dropFirst(3) }
        let first = rest.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "<")
    }

    /// Maps FHIR (JSON or XML) to HL7 v2 with `--mapping`, or with the map the Bundle picks.
    func convert(_ bytes: [UInt8], with mapper: FHIRToV2) throws(MappingError) -> FHIRToV2Result {
        guard bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) == UInt8(ascii: "<") else {
            return try mapper.convert(json: bytes, map: mapping)
        }
        let bundle: FHIR.Element
        do {
            bundle = try FHIR.Element(xml: bytes, definitions: mapper.library.definitions)
        } catch {
            throw MappingError(file: "input", line: error.position?.line, column: error.position?.column, error.message)
        }
        if let mapping { return try mapper.convert(bundle, map: mapping) }
        return try mapper.convert(bundle)
    }

    /// Prints one HL7 v2 result (unless quiet); returns whether it failed.
    func report(_ converted: Result<FHIRToV2Result, MappingError>, place: String) -> Bool {
        switch converted {
        case .failure(let error):
            printError("\(place): \(error)")
            return true
        case .success(let result):
            guard !quiet else { return result.issues.contains { $0.severity == .error } }
            for issue in result.issues { printError("\(place): \(issue)") }
            if !result.unmappedResources.isEmpty {
                printError("\(place): not mapped: \(result.unmappedResources.joined(separator: ", "))")
            }
            for line in result.trace { printError("\(place): \(line)") }
            let text = result.text
            print(pretty ? text.split(separator: "\r").joined(separator: "\n") : text)
            return result.issues.contains { $0.severity == .error }
        }
    }

    /// Maps with `--mapping`, or with the map of the message's event.
    func convert(_ message: Message, with mapper: V2ToFHIR) throws(MappingError) -> MappingResult {
        if let mapping { return try mapper.convert(message, map: mapping) }
        return try mapper.convert(message)
    }

    /// Prints a Bundle's validation issues (errors even when quiet); returns whether it has errors.
    func report(_ validation: FHIR.ValidationResult, place: String) -> Bool {
        for issue in validation.issues where !quiet || issue.severity >= .error {
            printError("\(place): validation \(issue)")
        }
        return validation.hasErrors
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
        print("profile options: \(library.profileNames.joined(separator: ", "))")
        let reverse = library.fhirToV2MapNames
        print("FHIR → HL7 v2 message maps:")
        for name in reverse.messages { print("  \(name) (\(library.fhirToV2MessageTypes[name] ?? "?"))") }
        print("FHIR → HL7 v2 segment maps: \(reverse.segments.joined(separator: ", "))")
        print("FHIR → HL7 v2 data-type maps: \(reverse.datatypes.joined(separator: ", "))")
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
        let reverse = library.fhirToV2MapNames
        // The claims maps (fhir-to-claims/, read by InsuranceVN), when the folder has them.
        var claims = ""
        let claimsFolder = URL(fileURLWithPath: options.mappings).appendingPathComponent(ClaimMapLibrary.folderName).path
        if FileManager.default.fileExists(atPath: claimsFolder) {
            do {
                claims = "; FHIR → claims: \(try ClaimMapLibrary(folder: URL(fileURLWithPath: options.mappings)).maps.count) table maps"
            } catch {
                throw CLIError("\(error)\n\(error.errors.count) problem\(error.errors.count == 1 ? "" : "s") in \(options.mappings)")
            }
        }
        print("ok: \(names.messages.count) message maps (\(library.events.count) events), \(names.segments.count) segment maps, "
            + "\(names.datatypes.count) data-type maps, \(names.vocabularies.count) vocabulary maps, \(library.profileNames.count) profile options; "
            + "FHIR → HL7 v2: \(reverse.messages.count) message maps, \(reverse.segments.count) segment maps, \(reverse.datatypes.count) data-type maps"
            + claims)
    }
}
