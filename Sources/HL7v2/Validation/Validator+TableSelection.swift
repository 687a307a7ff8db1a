extension Validator {
    /// Which HL7 tables coded values (ID, IS, and the code of CE/CWE/CNE fields) are checked
    /// against. Tables the definitions carry no values for are never checked.
    ///
    /// The definitions carry values for several hundred tables, many of them user-defined
    /// (IS) tables whose values are only suggestions, so the default checks a small set of
    /// tables whose values are fixed by the standard or universally used.
    public struct TableSelection: Hashable, Sendable {
        enum Storage: Hashable, Sendable {
            case none
            case all
            case only(Set<String>)
        }

        let storage: Storage

        /// No table is checked.
        public static let none = TableSelection(storage: .none)
        /// Every table the definitions carry values for, user-defined ones included.
        public static let all = TableSelection(storage: .all)
        /// The tables whose values are checked by default: 0001 (administrative sex),
        /// 0003 (event type), 0004 (patient class), 0076 (message type), 0085 (observation
        /// result status) and 0203 (identifier type).
        public static let standard = TableSelection(storage: .only(["0001", "0003", "0004", "0076", "0085", "0203"]))

        /// Exactly the given tables (IDs with four digits, e.g. `0001`).
        public static func only(_ tables: Set<String>) -> TableSelection {
            TableSelection(storage: .only(tables))
        }

        /// Whether table `id` is checked.
        public func includes(_ id: String) -> Bool {
            switch storage {
            case .none: false
            case .all: true
            case .only(let set): set.contains(id)
            }
        }
    }
}
