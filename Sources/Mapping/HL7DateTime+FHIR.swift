extension HL7DateTime {
    /// Reads a FHIR `date`, `dateTime` or `instant` (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or
    /// `YYYY-MM-DDThh:mm:ss[.s…](Z|±hh:mm)`) with its precision and offset, for FHIR → HL7 v2.
    ///
    /// HL7 v2 keeps at most four digits of a fraction of a second: more are cut (not rounded).
    ///
    /// ```swift
    /// try HL7DateTime(fhir: "2011-03-04T08:30:00+11:00").hl7   // "20110304083000+1100"
    /// try HL7DateTime(fhir: "1974-12").hl7                     // "197412"
    /// ```
    ///
    /// - Throws: ``ConversionError`` when the text is not a FHIR date/time or a part is out of range.
    public init(fhir text: some StringProtocol) throws(ConversionError) {
        let bytes = Array(text.utf8)
        func digits(_ start: Int, _ count: Int) -> String? {
            guard bytes.count >= start + count, bytes[start..<(start + count)].allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            return String(decoding: bytes[start..<(start + count)], as: UTF8.self)
        }
        func expect(_ index: Int, _ character: Character) -> Bool {
            bytes.count > index && bytes[index] == character.asciiValue!
        }
        let invalid = ConversionError(.invalidDateTime, "expected a FHIR date/time: YYYY[-MM[-DD[Thh:mm:ss[.s…](Z|±hh:mm)]]]")
        guard let year = digits(0, 4) else { throw invalid }
        var v2 = year
        var index = 4
        if expect(index, "-") {
            guard let month = digits(index + 1, 2) else { throw invalid }
            v2 += month
            index += 3
            if expect(index, "-") {
                guard let day = digits(index + 1, 2) else { throw invalid }
                v2 += day
                index += 3
                if expect(index, "T") {
                    guard let hour = digits(index + 1, 2), expect(index + 3, ":"), let minute = digits(index + 4, 2),
                          expect(index + 6, ":"), let second = digits(index + 7, 2) else { throw invalid }
                    v2 += hour + minute + second
                    index += 9
                    if expect(index, ".") {
                        var end = index + 1
                        while end < bytes.count, (0x30...0x39).contains(bytes[end]) { end += 1 }
                        guard end > index + 1 else { throw invalid }
                        v2 += "." + String(decoding: bytes[(index + 1)..<min(end, index + 5)], as: UTF8.self)
                        index = end
                    }
                    if expect(index, "Z") {
                        v2 += "+0000"
                        index += 1
                    } else if expect(index, "+") || expect(index, "-") {
                        guard let hours = digits(index + 1, 2), expect(index + 3, ":"), let minutes = digits(index + 4, 2) else { throw invalid }
                        v2 += String(UnicodeScalar(bytes[index])) + hours + minutes
                        index += 6
                    } else {
                        // FHIR requires an offset with a time; v2 does not.
                        throw ConversionError(.invalidDateTime, "a FHIR time of day needs an offset (Z or ±hh:mm)")
                    }
                }
            }
        }
        guard index == bytes.count else { throw invalid }
        try self.init(v2)
    }

    /// The HL7 v2 text (DTM): `YYYY[MM[DD[HHMM[SS[.S…]]]]][±ZZZZ]`, to this value's precision and
    /// with its offset, when it has one.
    public var hl7: String {
        var text = Self.fourDigits(year)
        for part in [month, day, hour, minute, second] {
            guard let part else { break }
            text += Offset.twoDigits(part)
        }
        if let fraction, second != nil { text += "." + fraction }
        if let offset, hour != nil {
            text += (offset.minutes < 0 ? "-" : "+") + Offset.twoDigits(abs(offset.minutes) / 60) + Offset.twoDigits(abs(offset.minutes) % 60)
        }
        return text
    }

    /// The HL7 v2 date (DT): `YYYY[MM[DD]]`, the time and offset dropped.
    public var hl7Date: String {
        var text = Self.fourDigits(year)
        for part in [month, day] {
            guard let part else { break }
            text += Offset.twoDigits(part)
        }
        return text
    }
}
