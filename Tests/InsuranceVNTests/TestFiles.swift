import Foundation

/// Where the tests find their fixtures and the shared spec files (`<dir>/main` next to
/// `<dir>/shared`).
enum TestFiles {
    static let testsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let specFolder = testsFolder
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("shared/specs/vn-xml130")

    static func fixture(_ name: String) throws -> Data {
        try Data(contentsOf: testsFolder.appendingPathComponent("Fixtures").appendingPathComponent(name))
    }

    /// The rows of a spec CSV as dictionaries (RFC 4180: quoted cells may hold commas, quotes
    /// and line breaks). Written here, independent of the generator script, so the count test
    /// checks the script rather than repeating it.
    static func csvRows(_ folder: String, _ table: String) throws -> [[String: String]] {
        let name = table == "XML0" ? "XML0_checkin.csv" : "\(table).csv"
        let text = try String(
            contentsOf: specFolder.appendingPathComponent(folder).appendingPathComponent(name), encoding: .utf8)
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var iterator = Array(text.unicodeScalars).makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" { cell.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                    } else {
                        quoted = false
                    }
                } else {
                    cell.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"": quoted = true
            case ",": row.append(cell); cell = ""
            case "\r": break
            case "\n": row.append(cell); rows.append(row); row = []; cell = ""
            default: cell.unicodeScalars.append(scalar)
            }
        }
        if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
        guard let header = rows.first else { return [] }
        return rows.dropFirst().map { cells in
            var result: [String: String] = [:]
            for (index, key) in header.enumerated() where index < cells.count { result[key] = cells[index] }
            return result
        }
    }
}

extension TestFiles {
    /// The repository's `mappings/` folder.
    static let mappingsFolder = testsFolder.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("mappings")

    /// A FHIR Bundle fixture (`Fixtures/fhir/NAME.json`) as bytes.
    static func bundle(_ name: String) throws -> [UInt8] {
        [UInt8](try fixture("fhir/\(name).json"))
    }
}
