import ArgumentParser
import FHIR
import Foundation

/// `lienthong fhir …`: validate and convert FHIR R4 resources.
struct FHIRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fhir",
        abstract: "Validate and convert FHIR R4 resources (JSON or XML).",
        subcommands: [FHIRValidateCommand.self, FHIRConvertCommand.self]
    )

    /// Whether a text is XML (its first non-blank byte is `<`) rather than JSON.
    static func isXML(_ bytes: [UInt8]) -> Bool {
        bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) == UInt8(ascii: "<")
    }

    /// Reads a resource file as JSON or XML.
    static func read(_ input: InputFile, definitions: Definitions) throws -> Element {
        do {
            if isXML(input.bytes) {
                return try Element(xml: input.bytes, definitions: definitions)
            }
            return try Element(json: input.bytes, definitions: definitions)
        } catch {
            throw CLIError("\(input.name)\(error.position.map { ":\($0.line):\($0.column)" } ?? ""): \(error.path.map { "\($0): " } ?? "")\(error.message)")
        }
    }

    /// The R4 definitions plus every StructureDefinition and ValueSet (JSON or XML) in `folder`.
    static func definitions(ig folder: String?) throws -> Definitions {
        guard let folder else { return .r4 }
        let (resources, unreadable) = try Definitions.resources(inFolder: folder)
        for (file, error) in unreadable { printError("\(file): skipped: \(error)") }
        return Definitions.r4.adding(resources: resources)
    }
}

/// `lienthong fhir validate FILE… [--profile URL] [--ig DIR]`
struct FHIRValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate FHIR resources; print an OperationOutcome per file.",
        discussion: """
            Checks each resource against FHIR R4 (cardinality, types, formats, required bindings, \
            invariants) and the profiles in its meta.profile and --profile. --ig loads the \
            StructureDefinitions and ValueSets of a folder (an implementation guide). Exit status \
            0 when no file has errors, 1 otherwise.
            """
    )

    @Argument(help: "Resource files, JSON or XML ('-' for standard input).")
    var files: [String]

    @Option(help: "Also validate against this profile (canonical URL); repeatable.")
    var profile: [String] = []

    @Option(help: "A folder of conformance resources (StructureDefinitions, ValueSets) to load.")
    var ig: String?

    @Flag(help: "Print no OperationOutcome, only the exit status (and --stats).")
    var quiet = false

    @Option(help: "Validate every file this many times (for benchmarks); outcomes are printed once.")
    var `repeat` = 1

    @Flag(help: "Print the count, the time and the rate (resources/s, MB/s) to standard error.")
    var stats = false

    @Option(help: "Files validated at the same time (default: one per processor core); outcomes are printed in file order.")
    var jobs: Int?

    func run() async throws {
        let definitions = try FHIRCommand.definitions(ig: ig)
        let validator = Validator.standard(definitions: definitions)
        let inputs = try files.map { try InputFile.read($0) }
        let rounds = max(1, `repeat`)
        let jobs = max(1, min(self.jobs ?? ProcessInfo.processInfo.activeProcessorCount, inputs.count * rounds))
        let profiles = profile
        let clock = ContinuousClock()
        let start = clock.now
        // Worker w takes the validations w, w + jobs, w + 2·jobs, … of all rounds; the first
        // round's results are kept for printing.
        let results = await withTaskGroup(of: [(Int, ValidationResult)].self) { group in
            for worker in 0..<jobs {
                group.addTask {
                    var kept: [(Int, ValidationResult)] = []
                    for index in Swift.stride(from: worker, to: inputs.count * rounds, by: jobs) {
                        let input = inputs[index % inputs.count]
                        let result = FHIRCommand.isXML(input.bytes)
                            ? validator.validate(xml: input.bytes, profiles: profiles)
                            : validator.validate(json: input.bytes, profiles: profiles)
                        if index < inputs.count { kept.append((index, result)) }
                    }
                    return kept
                }
            }
            var all = [ValidationResult?](repeating: nil, count: inputs.count)
            for await kept in group {
                for (index, result) in kept { all[index] = result }
            }
            return all.compactMap { $0 }
        }
        let elapsed = clock.now - start
        var failed = false
        for (input, result) in zip(inputs, results) {
            failed = failed || result.hasErrors
            if !quiet {
                if inputs.count > 1 { print("\(input.name):") }
                print(String(decoding: result.operationOutcome.json(definitions: definitions, pretty: true), as: UTF8.self))
            }
        }
        if stats {
            let bytes = inputs.reduce(0) { $0 + $1.bytes.count } * rounds
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let count = inputs.count * rounds
            printError(String(
                format: "validated %d resources (%.1f MB) in %.3f s: %.0f resources/s, %.2f MB/s (%d jobs)",
                count, Double(bytes) / 1e6, seconds, Double(count) / seconds, Double(bytes) / 1e6 / seconds, jobs))
        }
        if failed { throw ExitCode(1) }
    }
}

/// `lienthong fhir convert FILE --to json|xml`
struct FHIRConvertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a FHIR resource between JSON and XML.",
        discussion: "Reads JSON or XML and writes FHIR JSON or XML to standard output, pretty-printed unless --compact."
    )

    @Argument(help: "The resource file ('-' for standard input).")
    var file: String

    @Option(help: "The output format: json or xml.")
    var to: String = "json"

    @Flag(help: "Write without indentation.")
    var compact = false

    func run() async throws {
        guard to == "json" || to == "xml" else {
            throw CLIError("fhir convert: --to must be json or xml, not \(to)")
        }
        let element = try FHIRCommand.read(try InputFile.read(file), definitions: .r4)
        let bytes = to == "xml" ? element.xml(pretty: !compact) : element.json(pretty: !compact)
        print(String(decoding: bytes, as: UTF8.self))
    }
}
