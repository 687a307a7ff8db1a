// Typed access to a record's fields. Readers return `nil` for an absent or empty field and throw
// for a text of the wrong format; the error names the field, never its text.

extension ClaimRecord {
    /// The field as a date and time (`yyyyMMddHHmm`).
    /// - Throws: ``ClaimError`` ``ClaimError/Code/invalidValue`` or ``ClaimError/Code/unknownField``.
    public func dateTime(for field: String) throws -> ClaimDateTime? {
        try parsed(field, as: "yyyyMMddHHmm", ClaimDateTime.init)
    }

    /// The field as a date (`yyyyMMdd`).
    /// - Throws: ``ClaimError`` ``ClaimError/Code/invalidValue`` or ``ClaimError/Code/unknownField``.
    public func date(for field: String) throws -> ClaimDate? {
        try parsed(field, as: "yyyyMMdd", ClaimDate.init)
    }

    /// The field as a number, its text kept exactly.
    /// - Throws: ``ClaimError`` ``ClaimError/Code/invalidValue`` or ``ClaimError/Code/unknownField``.
    public func decimal(for field: String) throws -> ClaimDecimal? {
        try parsed(field, as: "a number with '.' as decimal point", ClaimDecimal.init)
    }

    /// The field's `;`-separated values (several cards in `MA_THE_BHYT`, the secondary
    /// diagnoses in `MA_BENH_KT`); empty for an absent or empty field.
    /// - Throws: ``ClaimError`` ``ClaimError/Code/unknownField``.
    public func list(for field: String) throws -> [String] {
        guard let text = try text(for: field), !text.isEmpty else { return [] }
        return text.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
    }

    /// The field's value under 3176: its text, except that a field older files wrote as a number
    /// and 3176 made a fixed-width string (``ClaimFieldDefinition/isFormerFixedWidthNumber``:
    /// `MA_DANTOC`, `MA_QUOCTICH`, `MA_BHXH`, …) gets back the leading zeros a number-typed writer
    /// dropped (`1` → `01`).
    /// - Throws: ``ClaimError`` ``ClaimError/Code/unknownField``.
    public func value(for field: String) throws -> String? {
        let index = try position(of: field)
        guard let text = texts[index] else { return nil }
        // (The width from a list made with the definition: reading it from the field's
        // definition copied the definition, a dozen fields.)
        let width = table.formerNumberWidth(at: index)
        guard width > 0, !text.isEmpty, text.count < width, text.utf8.allSatisfy({ (0x30...0x39).contains($0) })
        else { return text }
        return String(repeating: "0", count: width - text.count) + text
    }

    /// Sets a date-and-time field (`yyyyMMddHHmm`).
    public mutating func setDateTime(_ value: ClaimDateTime, for field: String) throws {
        try setText(value.description, for: field)
    }

    /// Sets a date field (`yyyyMMdd`).
    public mutating func setDate(_ value: ClaimDate, for field: String) throws {
        try setText(value.description, for: field)
    }

    /// Sets a number field to the decimal's text.
    public mutating func setDecimal(_ value: ClaimDecimal, for field: String) throws {
        try setText(value.description, for: field)
    }

    /// Sets a field to `;`-separated values.
    public mutating func setList(_ values: [String], for field: String) throws {
        try setText(values.joined(separator: ";"), for: field)
    }

    private func parsed<Value>(
        _ field: String,
        as format: String,
        _ parse: (String) -> Value?
    ) throws -> Value? {
        guard let text = try text(for: field), !text.isEmpty else { return nil }
        guard let value = parse(text) else {
            throw ClaimError(.invalidValue, table: table.name, record: number, path: field, "the text is not \(format)")
        }
        return value
    }
}
