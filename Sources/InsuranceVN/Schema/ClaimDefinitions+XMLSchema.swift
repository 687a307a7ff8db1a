public import Foundation

extension ClaimDefinitions {
    /// The XML Schemas of the tables and the envelope: `XMLn.xsd` for each table that has a
    /// layout (XML12 has none), in the definitions' order, then `GIAMDINHHS.xsd`.
    ///
    /// The repository keeps them in `schemas/claims/` for third parties; `scripts/generate-claim-schemas`
    /// rewrites them and a test checks that they are what this gives.
    public func xmlSchemaFiles() -> [(fileName: String, content: Data)] {
        var files: [(fileName: String, content: Data)] = []
        for table in tables {
            guard let schema = try? table.xmlSchema() else { continue }
            files.append((table.name + ".xsd", schema))
        }
        files.append(("GIAMDINHHS.xsd", ClaimEnvelope.xmlSchema(definitions: self)))
        return files
    }

    /// Writes ``xmlSchemaFiles()`` into a folder, replacing files of the same names.
    /// - Throws: the error writing a file.
    public func writeXMLSchemaFiles(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in xmlSchemaFiles() {
            try file.content.write(to: folder.appendingPathComponent(file.fileName), options: .atomic)
        }
    }
}
