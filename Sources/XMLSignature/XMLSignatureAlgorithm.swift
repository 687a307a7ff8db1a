/// The algorithm identifiers (URIs) of W3C XML Signature that LienThong writes and reads.
///
/// A struct with static members rather than an enum: a signature may name any URI, and an unknown
/// one must be reported by name (``XMLSignatureError/Code/unsupportedAlgorithm``), not lost.
public struct XMLSignatureAlgorithm: Hashable, Sendable, CustomStringConvertible {
    /// The algorithm's URI, as in an `Algorithm` attribute.
    public let uri: String

    /// Creates an identifier from its URI.
    public init(uri: String) { self.uri = uri }

    /// The XMLDSig namespace, `http://www.w3.org/2000/09/xmldsig#`.
    public static let namespace = "http://www.w3.org/2000/09/xmldsig#"

    /// Exclusive XML Canonicalization 1.0, without comments.
    public static let exclusiveC14N = Self(uri: "http://www.w3.org/2001/10/xml-exc-c14n#")
    /// Exclusive XML Canonicalization 1.0, with comments.
    public static let exclusiveC14NWithComments = Self(uri: "http://www.w3.org/2001/10/xml-exc-c14n#WithComments")
    /// Canonical XML 1.0 (inclusive), without comments.
    public static let c14n = Self(uri: "http://www.w3.org/TR/2001/REC-xml-c14n-20010315")
    /// Canonical XML 1.0 (inclusive), with comments.
    public static let c14nWithComments = Self(uri: "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments")
    /// Canonical XML 1.1, without comments.
    public static let c14n11 = Self(uri: "http://www.w3.org/2006/12/xml-c14n11")
    /// Canonical XML 1.1, with comments.
    public static let c14n11WithComments = Self(uri: "http://www.w3.org/2006/12/xml-c14n11#WithComments")
    /// The enveloped-signature transform: the digest leaves out the `Signature` itself.
    public static let envelopedSignature = Self(uri: "http://www.w3.org/2000/09/xmldsig#enveloped-signature")
    /// SHA-256 digest.
    public static let sha256 = Self(uri: "http://www.w3.org/2001/04/xmlenc#sha256")
    /// SHA-384 digest.
    public static let sha384 = Self(uri: "http://www.w3.org/2001/04/xmldsig-more#sha384")
    /// SHA-512 digest.
    public static let sha512 = Self(uri: "http://www.w3.org/2001/04/xmlenc#sha512")
    /// RSA PKCS#1 v1.5 signature over SHA-256.
    public static let rsaSHA256 = Self(uri: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
    /// RSA PKCS#1 v1.5 signature over SHA-384.
    public static let rsaSHA384 = Self(uri: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384")
    /// RSA PKCS#1 v1.5 signature over SHA-512.
    public static let rsaSHA512 = Self(uri: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512")

    public var description: String { uri }
}
