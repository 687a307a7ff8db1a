/// Why a document could not be signed, or why its signature does not verify.
///
/// The ``description`` names the step that failed and what it looked at (an element's name, an
/// algorithm's URI, a reference's number), never the document's values nor key material.
public struct XMLSignatureError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong; a struct with static members so codes can be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name, as in the description.
        public let name: String

        private init(_ name: String) { self.name = name }

        /// The document is not well-formed XML.
        public static let malformedDocument = Code("malformedDocument")
        /// The document holds no `Signature` (where one was looked for).
        public static let noSignature = Code("noSignature")
        /// The `Signature` lacks an element XMLDSig requires, or one is not as XMLDSig says.
        public static let malformedSignature = Code("malformedSignature")
        /// The signature names an algorithm (canonicalization, transform, digest, signature) or a
        /// reference this implementation does not verify.
        public static let unsupportedAlgorithm = Code("unsupportedAlgorithm")
        /// A reference's digest does not match the document: the signed content was changed.
        public static let digestMismatch = Code("digestMismatch")
        /// The `SignatureValue` does not verify over `SignedInfo` with the certificate's key.
        public static let badSignature = Code("badSignature")
        /// The certificate (in the document's `KeyInfo`, or a file) cannot be read.
        public static let certificateUnreadable = Code("certificateUnreadable")
        /// The private key (a PEM or PKCS#12 file) cannot be read, or is not an RSA key of at
        /// least 2048 bits.
        public static let keyUnreadable = Code("keyUnreadable")
        /// The private key does not belong to the certificate.
        public static let keyMismatch = Code("keyMismatch")
        /// The element the signature goes into is not in the document.
        public static let missingSignatureParent = Code("missingSignatureParent")
        /// The signature verifies, but its certificate does not chain to a trusted certificate.
        public static let untrustedCertificate = Code("untrustedCertificate")
        /// libxml2 could not canonicalize or write the document, or could not allocate memory.
        public static let xmlLibraryFailure = Code("xmlLibraryFailure")

        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// The step and what it looked at, without the document's values.
    public var detail: String

    /// Creates an error.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }
}
