public import Foundation

// Writing and reading the `GIAMDINHHS` envelope (NOTES.md, "Envelope"):
//
//   GIAMDINHHS
//     THONGTINDONVI / MACSKCB
//     THONGTINHOSO
//       NGAYLAP (yyyyMMdd), SOLUONGHOSO (1)
//       DANHSACHHOSO / HOSO / FILEHOSO* (LOAIHOSO, NOIDUNGFILE = base64 of the table document)
//     CHUKYDONVI (the facility's XML signature; written empty for now)

extension ClaimEnvelope {
    /// The envelope as UTF-8 XML.
    /// - Throws: ``ClaimError`` ``ClaimError/Code/invalidCharacter`` for a facility code XML
    ///   cannot carry.
    public func xml() throws -> Data {
        // Room for the files' base64 and the envelope's own elements.
        var writer = XMLWriter(capacity: files.reduce(1024) { $0 + ($1.content.count + 2) / 3 * 4 + 128 })
        writer.start("GIAMDINHHS")
        writer.start("THONGTINDONVI")
        try writer.leaf("MACSKCB", facilityCode) {
            ClaimError(
                .invalidCharacter, path: "GIAMDINHHS/THONGTINDONVI/MACSKCB",
                "the text holds a control character XML cannot carry")
        }
        writer.end()
        writer.start("THONGTINHOSO")
        writer.leaf("NGAYLAP", plain: date.description)
        writer.leaf("SOLUONGHOSO", plain: "1")
        writer.start("DANHSACHHOSO")
        writer.start("HOSO")
        for file in files {
            writer.start("FILEHOSO")
            try writer.leaf("LOAIHOSO", file.table) {
                ClaimError(.invalidCharacter, path: "LOAIHOSO", "the text holds a control character XML cannot carry")
            }
            writer.leaf("NOIDUNGFILE", base64: file.content)
            writer.end()
        }
        writer.end()
        writer.end()
        writer.end()
        writer.leaf("CHUKYDONVI", plain: "")
        writer.end()
        return writer.data
    }

    /// Reads an envelope: decodes every `FILEHOSO` and checks that its `LOAIHOSO` names a table.
    /// Read the table documents with ``documents(definitions:)``.
    /// - Throws: ``ClaimError`` with code ``ClaimError/Code/invalidXML``,
    ///   ``ClaimError/Code/unexpectedRootElement``, ``ClaimError/Code/missingElement``,
    ///   ``ClaimError/Code/invalidValue`` (`NGAYLAP`), ``ClaimError/Code/recordCount`` (more
    ///   than one `HOSO`), ``ClaimError/Code/unknownTableType`` or
    ///   ``ClaimError/Code/invalidBase64``; the path names the `FILEHOSO` by its number.
    public init(xml data: Data, definitions: ClaimDefinitions = .standard) throws {
        let root = try XMLNode.parse(data)
        guard root.name == "GIAMDINHHS" else {
            throw ClaimError(
                .unexpectedRootElement, path: root.name, line: root.line, "an envelope's root element is GIAMDINHHS")
        }
        var issues: [ClaimError] = []
        let unit = try Self.required("THONGTINDONVI", in: root, path: "GIAMDINHHS")
        let facility = try Self.required("MACSKCB", in: unit, path: "GIAMDINHHS/THONGTINDONVI")
        let information = try Self.required("THONGTINHOSO", in: root, path: "GIAMDINHHS")
        let informationPath = "GIAMDINHHS/THONGTINHOSO"
        let dateNode = try Self.required("NGAYLAP", in: information, path: informationPath)
        guard let date = ClaimDate(dateNode.text) else {
            throw ClaimError(
                .invalidValue, path: informationPath + "/NGAYLAP", line: dateNode.line, "the text is not yyyyMMdd")
        }
        let list = try Self.required("DANHSACHHOSO", in: information, path: informationPath)
        let records = list.children.filter { $0.name == "HOSO" }
        guard let record = records.first else {
            throw ClaimError(.missingElement, path: informationPath + "/DANHSACHHOSO/HOSO", line: list.line, "no HOSO")
        }
        guard records.count == 1 else {
            throw ClaimError(
                .recordCount, path: informationPath + "/DANHSACHHOSO", line: list.line,
                "the envelope holds \(records.count) HOSO; one per encounter is supported")
        }
        if let count = information.child("SOLUONGHOSO"), count.text != "1" {
            issues.append(
                ClaimError(
                    .invalidValue, path: informationPath + "/SOLUONGHOSO", line: count.line,
                    "SOLUONGHOSO does not match the one HOSO the envelope holds"))
        }

        var files: [File] = []
        var number = 0
        for node in record.children {
            guard node.name == "FILEHOSO" else {
                issues.append(Self.unknown(node, path: informationPath + "/DANHSACHHOSO/HOSO/" + node.name))
                continue
            }
            number += 1
            let path = Self.filePath(number)
            let type = try Self.required("LOAIHOSO", in: node, path: path)
            let content = try Self.required("NOIDUNGFILE", in: node, path: path)
            guard definitions[type.text] != nil else {
                throw ClaimError(
                    .unknownTableType, path: path + "/LOAIHOSO", line: type.line, "LOAIHOSO names no known table")
            }
            guard let bytes = Base64.decode(content.text) else {
                throw ClaimError(
                    .invalidBase64, table: type.text, path: path + "/NOIDUNGFILE", line: content.line,
                    "NOIDUNGFILE is not valid base64")
            }
            for child in node.children where child.name != "LOAIHOSO" && child.name != "NOIDUNGFILE" {
                issues.append(Self.unknown(child, path: path + "/" + child.name))
            }
            files.append(File(table: type.text, content: bytes))
        }
        let known: [String: Set<String>] = [
            "GIAMDINHHS": ["THONGTINDONVI", "THONGTINHOSO", "CHUKYDONVI"],
            "THONGTINDONVI": ["MACSKCB"],
            "THONGTINHOSO": ["NGAYLAP", "SOLUONGHOSO", "DANHSACHHOSO"],
            "DANHSACHHOSO": ["HOSO"],
        ]
        for (node, path) in [(root, "GIAMDINHHS"), (unit, "GIAMDINHHS/THONGTINDONVI"), (information, informationPath),
                             (list, informationPath + "/DANHSACHHOSO")] {
            for child in node.children where !(known[node.name]?.contains(child.name) ?? false) {
                issues.append(Self.unknown(child, path: path + "/" + child.name))
            }
        }
        self.init(facilityCode: facility.text, date: date, files: files)
        self.issues = issues
    }

    private static func required(_ name: String, in node: XMLNode, path: String) throws -> XMLNode {
        guard let child = node.child(name) else {
            throw ClaimError(.missingElement, path: path + "/" + name, line: node.line, "the envelope lacks this element")
        }
        return child
    }

    private static func unknown(_ node: XMLNode, path: String) -> ClaimError {
        ClaimError(.unknownElement, path: path, line: node.line, "the envelope has no such element")
    }
}
