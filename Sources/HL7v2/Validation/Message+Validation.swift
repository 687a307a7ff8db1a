extension Message {
    /// Validates the message with a ``Validator`` of the given configuration.
    ///
    /// ```swift
    /// let result = try Message(text).validate()
    /// result.isValid
    /// ```
    public func validate(_ configuration: Validator.Configuration = Validator.Configuration()) -> ValidationResult {
        Validator(configuration: configuration).validate(self)
    }
}

extension Message {
    /// The byte offset of field `field` of segment `index` (the segment's end when absent).
    func fieldOffset(segment index: Int, field: Int) -> Int {
        let record = records[index]
        let isHeader = index == 0 || Segment(message: self, index: index).isHeader
        let stored = isHeader ? field - 1 : field
        guard field >= 1 else { return Int(record.start) }
        if isHeader && field == 1 { return Int(record.start) + 3 }
        guard stored < Int(record.fieldCount) else { return Int(record.end) }
        return Int(fieldStarts[Int(record.firstField) + stored])
    }
}
