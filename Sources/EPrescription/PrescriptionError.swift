/// A prescription that cannot be built from the FHIR data: the element concerned and what is
/// wrong with it.
///
/// The ``description`` names the FHIR element (`MedicationRequest[0].dosageInstruction[0].text`),
/// never its value: no patient data.
public struct PrescriptionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong; a struct with static members so that codes can be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public let name: String
        private init(_ name: String) { self.name = name }

        /// The input is not a FHIR Bundle, or holds no MedicationRequest.
        public static let notAPrescription = Code("notAPrescription")
        /// A required element is absent.
        public static let missingElement = Code("missingElement")
        /// An element is there but its value cannot be used.
        public static let invalidValue = Code("invalidValue")
        /// A child under 72 months without a guardian (Patient.contact or RelatedPerson).
        public static let missingGuardian = Code("missingGuardian")
        /// MedicationRequests of different kinds in one prescription.
        public static let mixedKinds = Code("mixedKinds")

        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// The FHIR element concerned (`MedicationRequest[1].dispenseRequest.quantity`).
    public var element: String
    /// A plain explanation (no values).
    public var message: String

    /// Creates an error.
    public init(_ code: Code, element: String, _ message: String) {
        self.code = code
        self.element = element
        self.message = message
    }

    public var description: String { "\(code) at \(element): \(message)" }
}
