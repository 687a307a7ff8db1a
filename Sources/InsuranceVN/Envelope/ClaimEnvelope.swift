public import Foundation

/// The file of one encounter sent to the claims gateway, `GIAMDINHHS`: the facility, the date it
/// was made and one `FILEHOSO` per table, each holding a table document in base64.
///
/// ```swift
/// let envelope = try ClaimEnvelope(facilityCode: "79001", date: ClaimDate("20240315")!,
///                                  documents: [summary, drugs, services])
/// let bytes = try envelope.xml()
/// let tables = try ClaimEnvelope(xml: bytes).documents()
/// ```
///
/// The facility's signature (`CHUKYDONVI`, ``signatureElement``) is written empty and not checked
/// when reading: the `XMLSignature` module signs a written envelope and verifies a read one
/// (`lienthong claims sign|verify`).
public struct ClaimEnvelope: Hashable, Sendable {
    /// One `FILEHOSO`: which table (`LOAIHOSO`) and the table document's bytes.
    public struct File: Hashable, Sendable {
        /// The table's name, `LOAIHOSO` (`XML1`).
        public var table: String
        /// The table document (UTF-8 XML), as decoded from `NOIDUNGFILE`.
        public var content: Data

        /// Creates a file.
        public init(table: String, content: Data) {
            self.table = table
            self.content = content
        }
    }

    /// The facility's code, `MACSKCB` (5 characters).
    public var facilityCode: String
    /// The date the file was made, `NGAYLAP`.
    public var date: ClaimDate
    /// The table documents, in order.
    public var files: [File]
    /// Problems a reader noted without stopping (unknown elements, a wrong `SOLUONGHOSO`).
    /// Not part of equality.
    public var issues: [ClaimError] = []

    /// Creates an envelope from files.
    public init(facilityCode: String, date: ClaimDate, files: [File]) {
        self.facilityCode = facilityCode
        self.date = date
        self.files = files
    }

    /// Creates an envelope holding the documents, each written with
    /// ``ClaimTableDocument/xml()``.
    public init(facilityCode: String, date: ClaimDate, documents: [ClaimTableDocument]) throws {
        self.init(
            facilityCode: facilityCode, date: date,
            files: try documents.map { File(table: $0.table.name, content: try $0.xml()) })
    }

    /// Reads every file's table document with its definition.
    /// - Throws: ``ClaimError``: ``ClaimError/Code/unknownTableType`` for a table the
    ///   definitions lack, or the error reading the document.
    public func documents(definitions: ClaimDefinitions = .standard) throws -> [ClaimTableDocument] {
        try files.enumerated().map { offset, file in
            guard let table = definitions[file.table] else {
                throw ClaimError(
                    .unknownTableType, path: ClaimEnvelope.filePath(offset + 1, "LOAIHOSO"),
                    "LOAIHOSO names no known table")
            }
            return try ClaimTableDocument(xml: file.content, table: table)
        }
    }

    public static func == (lhs: ClaimEnvelope, rhs: ClaimEnvelope) -> Bool {
        lhs.facilityCode == rhs.facilityCode && lhs.date == rhs.date && lhs.files == rhs.files
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(facilityCode)
        hasher.combine(date)
        hasher.combine(files)
    }

    static func filePath(_ number: Int, _ element: String? = nil) -> String {
        "GIAMDINHHS/THONGTINHOSO/DANHSACHHOSO/HOSO/FILEHOSO[\(number)]" + (element.map { "/" + $0 } ?? "")
    }
}
