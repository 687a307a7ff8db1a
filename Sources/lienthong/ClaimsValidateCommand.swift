import ArgumentParser
import Foundation
import InsuranceVN
import XMLSchema

/// `lienthong claims validate FILE.xml… [--table XMLn]`
struct ClaimsValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check claim files against the XML schemas and the gateway's rules (docs/CLAIMS.md).",
        discussion: """
            Each file is an envelope (GIAMDINHHS) or one table document (its table found by its root \
            element, or given with --table). The file and every table in it are checked against the XML \
            schemas of schemas/claims, then the tables against the gateway's offline rules, the rules across \
            tables included. Every problem is printed with file, table, record, field and rule, in \
            Vietnamese and English, never with a field's value. Exit status 0 when no file has an error, \
            1 otherwise (warnings do not count).
            """
    )

    @Option(help: "Read each file as one table document of this table (XML0 … XML15).")
    var table: String?

    @Argument(help: "Envelope or table document files.")
    var files: [String]

    func run() async throws {
        var failed = false
        for file in files {
            let input = try InputFile.read(file)
            let data = Data(input.bytes)
            var errors = 0
            var warnings = 0
            func report(_ line: String, error: Bool) {
                printError(line)
                if error { errors += 1 } else { warnings += 1 }
            }
            do {
                let documents: [ClaimTableDocument]
                if let definition = try Self.table(of: data, named: table) {
                    for issue in try Self.schemaIssues(data, table: definition) {
                        report("\(input.name): error \(definition.name) [schema] \(issue)", error: true)
                    }
                    documents = [try ClaimTableDocument(xml: data, table: definition)]
                } else {
                    for issue in try XMLSchemaValidator(schema: ClaimEnvelope.xmlSchema()).validate(data) {
                        report("\(input.name): error GIAMDINHHS [schema] \(issue)", error: true)
                    }
                    let envelope = try ClaimEnvelope(xml: data)
                    for issue in envelope.issues { report("\(input.name): warning \(issue)", error: false) }
                    for file in envelope.files {
                        guard let definition = ClaimDefinitions.standard[file.table] else { continue }
                        for issue in try Self.schemaIssues(file.content, table: definition) {
                            report("\(input.name): error \(definition.name) [schema] \(issue)", error: true)
                        }
                    }
                    documents = try envelope.documents()
                }
                for document in documents {
                    for issue in document.issues { report("\(input.name): warning \(issue)", error: false) }
                }
                for problem in ClaimValidator().validate(documents) {
                    report(Self.line(problem, file: input.name), error: problem.severity == .error)
                }
            } catch let error as CLIError {
                throw error
            } catch {
                report("\(input.name): error \(error)", error: true)
            }
            print("\(input.name): \(errors == 0 ? "valid" : "invalid") (\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"))")
            if errors > 0 { failed = true }
        }
        if failed { throw ExitCode(1) }
    }

    /// One problem as a line: where, which rule, both languages; no value.
    static func line(_ problem: ClaimProblem, file: String?) -> String {
        (file.map { "\($0): " } ?? "")
            + "\(problem.severity) \(problem.table) record \(problem.record) \(problem.field) [\(problem.rule)]: "
            + "\(problem.vietnamese) / \(problem.english)"
    }

    /// The table a document is, by `--table` or by its root element; `nil` for an envelope.
    static func table(of data: Data, named name: String?) throws -> ClaimTableDefinition? {
        if let name {
            guard let definition = ClaimDefinitions.standard[name] else {
                throw CLIError("no table \(name) in the standard (XML0 … XML15)")
            }
            return definition
        }
        guard let root = rootElement(of: data), root != "GIAMDINHHS" else { return nil }
        guard let definition = ClaimDefinitions.standard.tables.first(where: { $0.rootElement == root }) else {
            throw CLIError("the root element \(root) is neither GIAMDINHHS nor a claim table's; name the table with --table")
        }
        return definition
    }

    /// The name of the first element of an XML document.
    static func rootElement(of data: Data) -> String? {
        var index = data.startIndex
        while let open = data[index...].firstIndex(of: UInt8(ascii: "<")) {
            let next = data.index(after: open)
            guard next < data.endIndex else { return nil }
            if data[next] == UInt8(ascii: "?") || data[next] == UInt8(ascii: "!") {
                index = next
                continue
            }
            let end = data[next...].firstIndex { [UInt8(ascii: ">"), UInt8(ascii: " "), UInt8(ascii: "/"), 0x0A, 0x0D, 0x09].contains($0) } ?? data.endIndex
            return String(decoding: data[next..<end], as: UTF8.self)
        }
        return nil
    }

    static func schemaIssues(_ data: Data, table: ClaimTableDefinition) throws -> [XMLSchemaIssue] {
        guard table.rootElement != nil else { return [] }
        return try XMLSchemaValidator(schema: try table.xmlSchema()).validate(data)
    }
}
