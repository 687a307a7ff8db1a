/// What ``ClaimBuilder`` made of one encounter: its table documents and the issues met.
public struct ClaimBuildResult: Sendable {
    /// The tables, in the standard's order (XML1 first).
    public var documents: [ClaimTableDocument]
    /// The facility's code the envelope is written for.
    public var facilityCode: String
    /// Values that could not be converted, codes without a mapping, FHIRPath that failed on this
    /// input; with the place in the input and the rule, never a value.
    public var issues: [ClaimBuildIssue]

    /// Creates a result.
    public init(documents: [ClaimTableDocument], facilityCode: String, issues: [ClaimBuildIssue] = []) {
        self.documents = documents
        self.facilityCode = facilityCode
        self.issues = issues
    }

    /// The document of a table, if built.
    public subscript(table: String) -> ClaimTableDocument? {
        documents.first { $0.table.name == table }
    }

    /// The date the envelope is made (`NGAYLAP`) when none is given: the day of XML1's
    /// `NGAY_TTOAN`, else of `NGAY_RA`, else of `NGAY_VAO` (the output never depends on the clock).
    public var defaultDate: ClaimDate? {
        guard let summary = self["XML1"]?.records.first else { return nil }
        for field in ["NGAY_TTOAN", "NGAY_RA", "NGAY_VAO"] {
            if let text = summary[field], let dateTime = ClaimDateTime(text) { return dateTime.date }
        }
        return nil
    }

    /// The envelope (`GIAMDINHHS`) holding the documents.
    ///
    /// - Parameter date: `NGAYLAP`; ``defaultDate`` when `nil`.
    /// - Throws: ``ClaimError`` ``ClaimError/Code/missingElement`` when no date is given and XML1
    ///   has none; an error writing a document.
    public func envelope(date: ClaimDate? = nil) throws -> ClaimEnvelope {
        guard let date = date ?? defaultDate else {
            throw ClaimError(.missingElement, path: "GIAMDINHHS/THONGTINHOSO/NGAYLAP", "no date given and XML1 has no NGAY_TTOAN, NGAY_RA or NGAY_VAO")
        }
        return try ClaimEnvelope(facilityCode: facilityCode, date: date, documents: documents)
    }
}
