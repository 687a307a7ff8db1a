extension Acknowledgment {
    /// An acknowledgment code (MSA-1, HL7 table 0008).
    ///
    /// Original mode answers with `AA`, `AE` or `AR`. Enhanced mode first answers with a commit
    /// (accept) acknowledgment, `CA`, `CE` or `CR`, and later with an application acknowledgment
    /// `AA`, `AE` or `AR`. Codes outside the table are kept as they are, so an acknowledgment
    /// from a system that uses its own codes can still be read.
    ///
    /// ```swift
    /// let code = Acknowledgment.Code(for: issues)   // .aa, .ae or .ar
    /// code.isAccept                                 // true for AA and CA
    /// ```
    public struct Code: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        /// The code as written in MSA-1, e.g. `AA`.
        public var rawValue: String

        /// Creates a code from its MSA-1 text.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// Creates a code from a literal such as `"AA"`.
        public init(stringLiteral value: String) {
            self.init(rawValue: value)
        }

        /// `AA`, application accept: the message was processed.
        public static let aa = Code(rawValue: "AA")
        /// `AE`, application error: the message has errors and should not be sent again unchanged.
        public static let ae = Code(rawValue: "AE")
        /// `AR`, application reject: the message could not be processed at all (unsupported
        /// type, event, processing ID or version, unreadable input, or the receiver is unable).
        public static let ar = Code(rawValue: "AR")
        /// `CA`, commit accept (enhanced mode): the message is in safe storage.
        public static let ca = Code(rawValue: "CA")
        /// `CE`, commit error (enhanced mode): the message has errors and was not committed.
        public static let ce = Code(rawValue: "CE")
        /// `CR`, commit reject (enhanced mode): the message cannot be accepted at all.
        public static let cr = Code(rawValue: "CR")

        /// The HL7 table 0357 conditions that make a message rejected (`AR`/`CR`) rather than in
        /// error: 200 unsupported message type, 201 unsupported event, 202 unsupported processing
        /// ID, 203 unsupported version.
        public static let rejectingConditions: Set<Int> = [200, 201, 202, 203]

        /// Chooses the code for a set of issues.
        ///
        /// No issue of severity error → `AA` (`CA`); an error whose condition is one of
        /// ``rejectingConditions`` → `AR` (`CR`); any other error → `AE` (`CE`). Warnings and
        /// information do not change the code. Severity `F` (fatal, v2.7+) counts as an error.
        ///
        /// - Parameters:
        ///   - issues: the problems found in the message being acknowledged.
        ///   - mode: `.enhanced` gives the commit codes `CA`/`CE`/`CR`, `.original` the
        ///     application codes `AA`/`AE`/`AR`.
        public init(for issues: some Sequence<Issue>, mode: Mode = .original) {
            var outcome = Code.aa
            for issue in issues where Acknowledgment.isError(issue.severity) {
                if Code.rejectingConditions.contains(issue.code.condition) {
                    outcome = .ar
                    break
                }
                outcome = .ae
            }
            self = mode == .enhanced ? outcome.commit : outcome
        }

        /// Whether this is a commit (accept) acknowledgment code: `CA`, `CE` or `CR`.
        public var isCommit: Bool { rawValue.utf8.first == UInt8(ascii: "C") && rawValue.utf8.count == 2 }

        /// Whether this is an application acknowledgment code: `AA`, `AE` or `AR`.
        public var isApplication: Bool { rawValue.utf8.first == UInt8(ascii: "A") && rawValue.utf8.count == 2 }

        /// Whether the message was accepted: `AA` or `CA`.
        public var isAccept: Bool { self == .aa || self == .ca }

        /// Whether the message was refused for errors in its content: `AE` or `CE`.
        public var isError: Bool { self == .ae || self == .ce }

        /// Whether the message was rejected: `AR` or `CR`.
        public var isReject: Bool { self == .ar || self == .cr }

        /// The commit code with the same outcome (`AA` → `CA`, `AE` → `CE`, `AR` → `CR`); other
        /// codes are returned unchanged.
        public var commit: Code {
            switch self {
            case .aa: .ca
            case .ae: .ce
            case .ar: .cr
            default: self
            }
        }

        /// The application code with the same outcome (`CA` → `AA`, `CE` → `AE`, `CR` → `AR`);
        /// other codes are returned unchanged.
        public var application: Code {
            switch self {
            case .ca: .aa
            case .ce: .ae
            case .cr: .ar
            default: self
            }
        }

        public var description: String { rawValue }
    }
}
