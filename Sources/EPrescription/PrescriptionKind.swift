/// The kind of a national e-prescription: the last character of ``Prescription/code``.
///
/// A struct with static members (not an enum) so a kind the national system adds later can be
/// carried without a code change.
public struct PrescriptionKind: Hashable, Sendable, CustomStringConvertible {
    /// The one-letter code (`c`, `h`, `n`, `y`).
    public let code: String

    /// Creates a kind from its letter.
    public init(code: String) { self.code = code }

    /// `c`: a normal prescription.
    public static let normal = PrescriptionKind(code: "c")
    /// `h`: psychotropic drugs and precursors ("gây nghiện hướng thần" class).
    public static let psychotropic = PrescriptionKind(code: "h")
    /// `n`: narcotic drugs.
    public static let narcotic = PrescriptionKind(code: "n")
    /// `y`: traditional medicine.
    public static let traditional = PrescriptionKind(code: "y")

    /// The kinds the national system is known to take.
    public static let known: [PrescriptionKind] = [.normal, .psychotropic, .narcotic, .traditional]

    /// The code system a `MedicationRequest.category` coding names the kind in (docs/EPRESCRIPTION.md).
    public static let codeSystem = "urn:lienthong:e-prescription-kind"

    public var description: String { code }
}
