#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension Message {
    /// The acknowledgment mode this message asks for (enhanced when MSH-15 or MSH-16 is valued).
    public var acknowledgmentMode: Acknowledgment.Mode { Acknowledgment.Mode(for: self) }

    /// Whether the sender wants an acknowledgment with `code`.
    ///
    /// In original mode every message is acknowledged. In enhanced mode MSH-15 governs the commit
    /// acknowledgment (`CA`/`CE`/`CR`) and MSH-16 the application acknowledgment
    /// (`AA`/`AE`/`AR`), with the conditions of HL7 table 0155 (`AL`, `NE`, `ER`, `SU`); an empty
    /// field counts as `AL`.
    public func wantsAcknowledgment(_ code: Acknowledgment.Code) -> Bool {
        guard acknowledgmentMode == .enhanced else { return true }
        let field = code.isCommit ? acceptAcknowledgmentType : applicationAcknowledgmentType
        return Acknowledgment.Condition(rawValue: field ?? "AL").wants(code)
    }

    /// Builds the acknowledgment (`ACK`) of this message.
    ///
    /// The acknowledgment keeps the message's delimiters (the truncation character included),
    /// version (MSH-12), processing ID (MSH-11) and character set (MSH-18, first repetition), and
    /// swaps sender and receiver (MSH-3/4 ↔ MSH-5/6). MSH-9 is `ACK^<event>^ACK` (`ACK^<event>`
    /// before v2.3.1, `ACK` when the message has no event), MSH-7 the time of `timestamp` with
    /// seconds and UTC offset, MSH-10 a new control ID. MSA-1 is the code and MSA-2 the
    /// message's MSH-10.
    ///
    /// Each issue becomes one ERR segment: ERR-2 (location), ERR-3 (table 0357 condition),
    /// ERR-4 (severity), ERR-5 (the issue's code name), ERR-7 (positions) and ERR-8 (the issue's
    /// message) from v2.5 on; ERR-1 (segment ^ occurrence ^ field ^ condition) for older
    /// versions, where the first error also goes into MSA-6. A message without a version is
    /// answered in the v2.5 layout. Every value is escaped, so the result always parses without
    /// issues.
    ///
    /// ```swift
    /// let ack = message.acknowledgment(issues: validator.issues(in: message))
    /// connection.send(ack.encoded())
    /// ```
    ///
    /// - Parameters:
    ///   - code: the code to send; `nil` chooses it from the issues with
    ///     ``Acknowledgment/Code/init(for:mode:)``. A commit code gives a commit
    ///     acknowledgment, an application code an application acknowledgment, whatever the mode.
    ///   - mode: the mode that chooses the code when none is given; `nil` uses the mode the
    ///     message asks for (``acknowledgmentMode``). In enhanced mode the chosen code is the
    ///     commit code; ask for the later application acknowledgment with
    ///     `code: Acknowledgment.Code(for: issues)`.
    ///   - issues: problems to report (validation, processing).
    ///   - includingParseIssues: also report the message's own ``issues`` first (duplicates are
    ///     reported once).
    ///   - text: MSA-3, a free text message; written only for versions that have MSA-3 (before
    ///     v2.7).
    ///   - controlID: MSH-10 of the acknowledgment; `nil` generates a unique one.
    ///   - timestamp: the time written in MSH-7.
    ///   - timeZone: the time zone MSH-7 is written in.
    public func acknowledgment(
        code: Acknowledgment.Code? = nil,
        mode: Acknowledgment.Mode? = nil,
        issues: [Issue] = [],
        includingParseIssues: Bool = true,
        text: String? = nil,
        controlID: String? = nil,
        timestamp: Date = Date(),
        timeZone: TimeZone = .current
    ) -> Message {
        let (writer, code, reported) = acknowledgmentWriter(code: code, mode: mode, issues: issues, includingParseIssues: includingParseIssues)
        return writer.build(
            code: code, issues: reported, text: text,
            controlID: controlID ?? Acknowledgment.newControlID(),
            timestamp: Acknowledgment.timestamp(timestamp, in: timeZone))
    }

    /// The bytes of ``acknowledgment(code:mode:issues:includingParseIssues:text:controlID:timestamp:timeZone:)``
    /// (ER7, a CR after every segment), written straight from this message's header without
    /// building a ``Message``: what a listener sends back for every message it receives.
    public func encodedAcknowledgment(
        code: Acknowledgment.Code? = nil,
        mode: Acknowledgment.Mode? = nil,
        issues: [Issue] = [],
        includingParseIssues: Bool = true,
        text: String? = nil,
        controlID: String? = nil,
        timestamp: Date = Date(),
        timeZone: TimeZone = .current
    ) -> [UInt8] {
        let (writer, code, reported) = acknowledgmentWriter(code: code, mode: mode, issues: issues, includingParseIssues: includingParseIssues)
        return writer.encode(
            code: code, issues: reported, text: text,
            controlID: controlID ?? Acknowledgment.newControlID(),
            timestamp: Acknowledgment.timestamp(timestamp, in: timeZone))
    }

    /// The writer, code and issues (parse issues first, each once) of an acknowledgment.
    private func acknowledgmentWriter(
        code: Acknowledgment.Code?, mode: Acknowledgment.Mode?, issues: [Issue], includingParseIssues: Bool
    ) -> (Acknowledgment.Writer, Acknowledgment.Code, [Issue]) {
        var reported: [Issue] = []
        let all = includingParseIssues ? self.issues + issues : issues
        if !all.isEmpty {
            var seen = Set<Issue>()
            for issue in all where seen.insert(issue).inserted { reported.append(issue) }
        }
        let mode = mode ?? acknowledgmentMode
        let code = code ?? Acknowledgment.Code(for: reported, mode: mode)
        return (Acknowledgment.Writer(original: Acknowledgment.Original(message: self)), code, reported)
    }

    /// Builds an acknowledgment for input that could not be parsed as a message, so that a
    /// listener can answer anything it receives.
    ///
    /// The header fields are read best-effort from the first line that starts with `MSH`: with
    /// its delimiters when MSH-1 and MSH-2 are usable, with the standard `|^~\&` when MSH-1 is
    /// `|`, and not at all otherwise (the acknowledgment then has empty sender, receiver and
    /// MSA-2). The error is reported in an ERR segment, as in
    /// ``acknowledgment(code:mode:issues:includingParseIssues:text:controlID:timestamp:timeZone:)``.
    ///
    /// - Parameters:
    ///   - input: the bytes that failed to parse (one message, or the whole input).
    ///   - error: why they failed.
    ///   - code: the code to send; `nil` means `AR` (`CR` in enhanced mode): the message could
    ///     not be processed at all.
    ///   - mode: the mode that chooses the code when none is given; `nil` uses MSH-15/MSH-16 when
    ///     they can be read.
    ///   - text: MSA-3 (before v2.7 only).
    ///   - controlID: MSH-10 of the acknowledgment; `nil` generates a unique one.
    ///   - timestamp: the time written in MSH-7.
    ///   - timeZone: the time zone MSH-7 is written in.
    public static func acknowledgment(
        forUnparsable input: some Collection<UInt8>,
        error: ParseError,
        code: Acknowledgment.Code? = nil,
        mode: Acknowledgment.Mode? = nil,
        text: String? = nil,
        controlID: String? = nil,
        timestamp: Date = Date(),
        timeZone: TimeZone = .current
    ) -> Message {
        let header = Acknowledgment.Original(unparsed: Array(input))
        let mode = mode ?? header.mode
        let code = code ?? (mode == .enhanced ? .cr : .ar)
        return Acknowledgment.Writer(original: header).build(
            code: code, issues: [error.issue], text: text,
            controlID: controlID ?? Acknowledgment.newControlID(),
            timestamp: Acknowledgment.timestamp(timestamp, in: timeZone))
    }
}

extension Acknowledgment {
    /// A new message control ID: 20 random upper-case letters and digits (about 103 bits), short
    /// enough for MSH-10 in every version.
    ///
    /// Each of two 64-bit draws from the system's generator gives 10 base-36 digits (reduced
    /// modulo 36¹⁰, which is about 2⁶⁴ / 5045, so no digit string is more than 1/5045 likelier
    /// than another): two `getrandom` calls per ID instead of twenty.
    public static func newControlID() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20)
        for _ in 0..<2 {
            var value = generator.next() % 3_656_158_440_062_976  // 36¹⁰
            for _ in 0..<10 {
                bytes.append(alphabet[Int(value % 36)])
                value /= 36
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A time as an HL7 timestamp with seconds and UTC offset, e.g. `20260101093000+0700`.
    public static func timestamp(_ date: Date, in timeZone: TimeZone) -> String {
        let offset = timeZone.secondsFromGMT(for: date)
        let local = Int(date.timeIntervalSince1970.rounded(.down)) + offset
        var days = local / 86_400
        var seconds = local % 86_400
        if seconds < 0 {
            seconds += 86_400
            days -= 1
        }
        // Days since 1970-01-01 to a civil date (H. Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)

        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        let sign = offset < 0 ? "-" : "+"
        let offsetMinutes = abs(offset) / 60
        return pad(year, 4) + pad(month, 2) + pad(day, 2) + pad(seconds / 3600, 2) + pad(seconds % 3600 / 60, 2)
            + pad(seconds % 60, 2) + sign + pad(offsetMinutes / 60, 2) + pad(offsetMinutes % 60, 2)
    }
}
