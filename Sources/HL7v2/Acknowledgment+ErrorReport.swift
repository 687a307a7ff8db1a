extension Acknowledgment {
    /// One error reported by an acknowledgment: an ERR segment in the v2.5+ layout, one
    /// repetition of ERR-1 in the older layout (v2.2–v2.4), or MSA-6.
    ///
    /// Texts written by the other system (``conditionText``, ``userMessage``) may hold anything,
    /// including values from the message; ``description`` leaves them out, so a report can be
    /// logged.
    public struct ErrorReport: Hashable, Sendable, CustomStringConvertible {
        /// The error: the table 0357 condition from ERR-3 (or ELD-4, MSA-6), named by ERR-5 when
        /// the sender gave an application error code there. A condition that is not a number is
        /// kept as the name, with condition 207.
        public var code: ErrorCode
        /// ERR-4; `.error` when absent (the older layouts have no severity).
        public var severity: Issue.Severity
        /// Where the error is (ERR-2 or ELD): segment ID, field, repetition, component and
        /// subcomponent. ``Location/segmentIndex`` stays `nil` because acknowledgments count
        /// occurrences of a segment ID, not positions; see ``segmentOccurrence``.
        public var location: Location
        /// ERL-2 or ELD-2: which occurrence of the segment ID (1 = first).
        public var segmentOccurrence: Int?
        /// The text given with the condition (ERR-3.2, ELD-4.2, MSA-6.2).
        public var conditionText: String?
        /// ERR-8, the message meant for a user.
        public var userMessage: String?

        /// Creates a report.
        public init(
            code: ErrorCode,
            severity: Issue.Severity = .error,
            location: Location = Location(),
            segmentOccurrence: Int? = nil,
            conditionText: String? = nil,
            userMessage: String? = nil
        ) {
            self.code = code
            self.severity = severity
            self.location = location
            self.segmentOccurrence = segmentOccurrence
            self.conditionText = conditionText
            self.userMessage = userMessage
        }

        /// The place of the error as a path into the acknowledged message (`OBX[2]-5.1`), or
        /// `nil` when the report names no segment and field.
        public var path: Path? {
            guard let segment = location.segment, let field = location.field,
                (try? Path("\(segment)-1")) != nil
            else { return nil }
            return Path(
                segment: segment,
                occurrence: segmentOccurrence ?? 1,
                field: field,
                repetition: location.repetition,
                component: location.component,
                subcomponent: location.subcomponent)
        }

        /// The report as an ``Issue``, explained with the table 0357 text of its condition (the
        /// sender's own texts are left out).
        public var issue: Issue {
            Issue(code, severity: severity, at: location, Acknowledgment.conditionText(code.condition) ?? "error condition \(code.condition)")
        }

        public var description: String {
            var text = "\(severity) \(code.condition) \(code.name)"
            if let path {
                text += " at \(path)"
            } else if let segment = location.segment {
                text += " at \(segment)" + (segmentOccurrence.map { $0 == 1 ? "" : "[\($0)]" } ?? "")
            }
            return text
        }

        // MARK: Reading

        /// The reports of one ERR segment.
        static func read(_ err: Segment) -> [ErrorReport] {
            let hasNewLayout = [2, 3, 4].contains { !(err.field($0)?.isEmpty ?? true) }
            if hasNewLayout {
                return [readCurrent(err)]
            }
            guard let eld = err.field(1), !eld.isEmpty else { return [] }
            return eld.repetitions.filter { !$0.isEmpty }.map(readELD)
        }

        /// ERR in the v2.5+ layout: ERR-2 (ERL), ERR-3 (CWE), ERR-4, ERR-5, ERR-8.
        private static func readCurrent(_ err: Segment) -> ErrorReport {
            var location = Location()
            var occurrence: Int? = nil
            if let erl = err.field(2)?.repetition(1) {
                let parts = erl.children
                location.segment = nonEmptyText(parts, 1)
                occurrence = number(parts, 2)
                location.field = number(parts, 3)
                location.repetition = number(parts, 4)
                location.component = number(parts, 5)
                location.subcomponent = number(parts, 6)
            }
            var report = readCodedCondition(err.field(3)?.repetition(1)?.children ?? [], location: location)
            report.segmentOccurrence = occurrence
            if let severity = Acknowledgment.nonEmpty(err.field(4)?.component(1)?.text()) {
                report.severity = Issue.Severity(rawValue: severity)
            }
            if let name = Acknowledgment.nonEmpty(err.field(5)?.component(1)?.text()) {
                report.code = ErrorCode(name, condition: report.code.condition)
            }
            report.userMessage = Acknowledgment.nonEmpty(err.field(8)?.text())
            return report
        }

        /// One ELD (v2.2–v2.4 ERR-1): segment ID ^ sequence ^ field position ^ code (CE, as
        /// subcomponents).
        private static func readELD(_ eld: Element) -> ErrorReport {
            let parts = eld.children
            var location = Location()
            location.segment = nonEmptyText(parts, 1)
            location.field = number(parts, 3)
            let coded = parts.count >= 4 ? parts[3].children : []
            var report = readCodedCondition(coded, location: location)
            report.segmentOccurrence = number(parts, 2)
            return report
        }

        /// A coded condition (CE, CWE or CNE): code ^ text ^ coding system, given as its parts.
        static func readCodedCondition(_ parts: [Element], location: Location) -> ErrorReport {
            let codeText = nonEmptyText(parts, 1)
            let code: ErrorCode
            if let codeText, let condition = Int(codeText) {
                code = Acknowledgment.errorCode(condition: condition)
            } else if let codeText {
                code = ErrorCode(codeText, condition: ErrorCode.applicationInternalError.condition)
            } else {
                code = .applicationInternalError
            }
            return ErrorReport(code: code, location: location, conditionText: nonEmptyText(parts, 2))
        }

        private static func nonEmptyText(_ parts: [Element], _ number: Int) -> String? {
            guard number <= parts.count else { return nil }
            return Acknowledgment.nonEmpty(parts[number - 1].text())
        }

        private static func number(_ parts: [Element], _ number: Int) -> Int? {
            nonEmptyText(parts, number).flatMap { Int($0.trimmingSpaces()) }
        }
    }
}
