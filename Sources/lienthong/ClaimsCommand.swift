import ArgumentParser
import Foundation
import InsuranceVN

/// `lienthong claims …`: the insurance claims of Decision 130/4750/3176 (docs/CLAIMS.md).
struct ClaimsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claims",
        abstract: "Build, validate, read, sign, verify and submit insurance claim files (Decision 130/4750/3176 XML tables and their GIAMDINHHS envelope).",
        subcommands: [
            ClaimsReadCommand.self, ClaimsBuildCommand.self, ClaimsValidateCommand.self, ClaimsSignCommand.self, ClaimsVerifyCommand.self,
            ClaimsSubmitCommand.self, ClaimsCheckCardCommand.self,
        ]
    )
}

/// `lienthong claims read FILE… [--table XMLn]`
struct ClaimsReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Decode claim files to JSON: an envelope (GIAMDINHHS) with every table it carries, or one table document.",
        discussion: """
            Prints one JSON document per file: the facility, the date and, per table, its records with \
            every field as written (null for an absent element), in the standard's order. Files written \
            to the older 4750 types are read too. What the file holds beyond the standard (unknown \
            elements) is listed with the file's issues on standard error. Exit status 1 when a file \
            cannot be read.
            """
    )

    @Option(help: "Read each file as one table document of this table (XML0 … XML15) instead of an envelope.")
    var table: String?

    @Argument(help: "Envelope files (or table documents with --table).")
    var files: [String]

    func run() async throws {
        var failed = false
        for file in files {
            let input = try InputFile.read(file)
            do {
                let documents: [ClaimTableDocument]
                var header: [(String, String)] = []
                if let table {
                    guard let definition = ClaimDefinitions.standard[table] else {
                        throw CLIError("no table \(table) in the standard (XML0 … XML15)")
                    }
                    documents = [try ClaimTableDocument(xml: Data(input.bytes), table: definition)]
                } else {
                    let envelope = try ClaimEnvelope(xml: Data(input.bytes))
                    for issue in envelope.issues { printError("\(input.name): \(issue)") }
                    header = [("facility", envelope.facilityCode), ("date", "\(envelope.date)")]
                    documents = try envelope.documents()
                }
                for document in documents {
                    for issue in document.issues { printError("\(input.name): \(issue)") }
                }
                print(Self.json(header: header, documents: documents))
            } catch let error as CLIError {
                throw error
            } catch {
                printError("\(input.name): \(error)")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }

    /// The documents as JSON, fields in the standard's order (Foundation's writer would sort them).
    static func json(header: [(String, String)], documents: [ClaimTableDocument]) -> String {
        func quoted(_ text: String) -> String {
            let data = try? JSONSerialization.data(withJSONObject: [text], options: [.withoutEscapingSlashes])
            let array = data.map { String(decoding: $0, as: UTF8.self) } ?? "[\"\"]"
            return String(array.dropFirst().dropLast())
        }
        let tables = documents.map { document in
            let records = document.records.map { record in
                "{" + record.fields.map { "\(quoted($0.definition.name)):\($0.text.map(quoted) ?? "null")" }.joined(separator: ",") + "}"
            }
            return "{\"table\":\(quoted(document.table.name)),\"records\":[\(records.joined(separator: ","))]}"
        }
        let members = header.map { "\(quoted($0.0)):\(quoted($0.1))" } + ["\"tables\":[\(tables.joined(separator: ","))]"]
        return "{" + members.joined(separator: ",") + "}"
    }
}
