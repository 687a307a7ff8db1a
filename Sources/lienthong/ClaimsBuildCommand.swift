import ArgumentParser
import FHIR
import Foundation
import HL7v2
import InsuranceVN
import Mapping

/// `lienthong claims build FILE… [--table XMLn …] [--out DIR] [--facility CODE]`
struct ClaimsBuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the claim of one visit from FHIR Bundles or HL7 v2 messages, through mappings/fhir-to-claims (docs/CLAIMS.md).",
        discussion: """
            The files describe one visit: FHIR JSON (a Bundle or a resource) and HL7 v2 messages (ADT, DFT \
            or BAR, ORU), mapped to FHIR with the v2 → FHIR maps; all are merged into one Bundle, then \
            the claims maps make the tables. Without --out the envelope (GIAMDINHHS) is written to standard \
            output; with --out DIR it is written to DIR/<MA_LK>.xml, or, with --table, each table asked \
            for as its own document DIR/XMLn.xml. The builder's issues and the validator's problems go to \
            standard error (places and rules, never values). Exit status 1 when the claim has an error.
            """
    )

    @Option(help: "The facility's code (MACSKCB, MA_CSKCB), 5 characters.")
    var facility: String

    @Option(help: "Build only this table (XML1 … XML15); repeat for several. All the maps make by default.")
    var table: [String] = []

    @Option(help: "Write to this folder instead of standard output.")
    var out: String?

    @Option(name: .customLong("link-key"), help: "MA_LK when the Encounter has no identifier.")
    var linkKey: String?

    @Option(help: "The envelope's date (NGAYLAP, yyyyMMdd); by default the day of XML1's NGAY_TTOAN, NGAY_RA or NGAY_VAO.")
    var date: String?

    @Option(help: "A profile option of the v2 → FHIR maps for HL7 v2 input, e.g. vn-core.")
    var profile: String?

    @OptionGroup var options: MappingOptions

    @Argument(help: "FHIR JSON files and HL7 v2 files of one visit ('-' for standard input).")
    var files: [String]

    func run() async throws {
        let maps: ClaimMapLibrary
        do {
            maps = try ClaimMapLibrary(folder: URL(fileURLWithPath: options.mappings))
        } catch {
            throw CLIError("\(error)\n\(error.errors.count) problem\(error.errors.count == 1 ? "" : "s") in \(options.mappings)/\(ClaimMapLibrary.folderName)")
        }
        for name in table where maps[name] == nil {
            throw CLIError("no claims map for \(name) in \(options.mappings)/\(ClaimMapLibrary.folderName) (maps: \(maps.maps.map(\.table.name).joined(separator: ", ")))")
        }
        var envelopeDate: ClaimDate?
        if let date {
            guard let parsed = ClaimDate(date) else { throw CLIError("--date \(date) is not yyyyMMdd") }
            envelopeDate = parsed
        }
        let builder = ClaimBuilder(
            maps: maps, options: .init(facilityCode: facility, linkKey: linkKey, tables: table.isEmpty ? nil : Set(table)))

        var bundles: [FHIR.Element] = []
        var messages: [Message] = []
        for file in files {
            let input = try InputFile.read(file)
            if input.bytes.first(where: { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }) == UInt8(ascii: "{") {
                do {
                    let read = try FHIR.Element.read(json: input.bytes, definitions: maps.fhirDefinitions)
                    for error in read.1 { printError("\(input.name): warning: left out \(error.path ?? "?"): \(error.message)") }
                    guard let element = read.0 else { throw CLIError("\(input.name): not a FHIR resource") }
                    bundles.append(element)
                } catch let error as FormatError {
                    throw CLIError("\(input.name): not FHIR JSON: \(error.message)")
                }
            } else {
                do {
                    messages.append(try Message(input.bytes))
                } catch {
                    throw CLIError("\(input.name): neither FHIR JSON nor an HL7 v2 message: \(error)")
                }
            }
        }

        var result: ClaimBuildResult
        if messages.isEmpty {
            result = builder.build(bundles.count == 1 ? bundles[0] : BundleMerger.merge(bundles))
        } else {
            let library = try MapCommand.library(options.mappings)
            let mapper = V2ToFHIR(library: library, options: .init(profile: profile))
            var issues: [ClaimBuildIssue] = []
            for (index, message) in messages.enumerated() {
                do {
                    let mapped = try mapper.convert(message)
                    bundles.append(try mapped.bundle())
                    issues += mapped.issues.map {
                        ClaimBuildIssue(severity: .warning, input: "message \(index + 1): \($0.input)", rule: $0.rule, message: $0.message)
                    }
                } catch {
                    throw CLIError("HL7 v2 message \(index + 1) cannot be mapped to FHIR: \(error)")
                }
            }
            result = builder.build(BundleMerger.merge(bundles))
            result.issues = issues + result.issues
        }

        for issue in result.issues { printError(issue.description) }
        let problems = ClaimValidator().validate(result.documents)
        for problem in problems { printError(ClaimsValidateCommand.line(problem, file: nil)) }

        if let out {
            let folder = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            if table.isEmpty {
                let envelope = try result.envelope(date: envelopeDate)
                let key = result["XML1"]?.records.first?["MA_LK"].flatMap { $0.isEmpty ? nil : $0 } ?? "claim"
                let name = String(key.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }) + ".xml"
                try envelope.xml().write(to: folder.appendingPathComponent(name))
                print(folder.appendingPathComponent(name).path)
            } else {
                for document in result.documents {
                    let url = folder.appendingPathComponent("\(document.table.name).xml")
                    try document.xml().write(to: url)
                    print(url.path)
                }
            }
        } else if table.isEmpty {
            FileHandle.standardOutput.write(try result.envelope(date: envelopeDate).xml())
        } else {
            for document in result.documents { FileHandle.standardOutput.write(try document.xml()) }
        }
        if problems.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
    }
}
