import SwiftASN1
public import X509

/// A signature that verified: who signed, with what.
public struct VerifiedXMLSignature: Sendable {
    /// The certificate whose key verified the signature (the first `X509Certificate` of the
    /// signature's `KeyInfo`).
    public var certificate: Certificate
    /// The other certificates of `KeyInfo` (a chain), in order.
    public var otherCertificates: [Certificate]
    /// The `SignatureMethod`.
    public var signatureAlgorithm: XMLSignatureAlgorithm

    /// The certificate's subject, as RFC 4514 text (`CN=…,O=…`).
    public var subject: String { certificate.subject.description }

    /// Creates a result.
    public init(certificate: Certificate, otherCertificates: [Certificate], signatureAlgorithm: XMLSignatureAlgorithm) {
        self.certificate = certificate
        self.otherCertificates = otherCertificates
        self.signatureAlgorithm = signatureAlgorithm
    }

    /// Checks that the signer's certificate chains to one of `roots` (RFC 5280 path validation
    /// by swift-certificates, with the signature's other certificates as intermediates): a
    /// signature that verifies proves only that the document was not changed since the holder of
    /// the certificate's key signed it; this says whether that certificate is one you trust.
    /// - Parameters:
    /// The certificates must be valid now.
    /// - Parameter roots: The trusted certificates (a CA, or the signer's own certificate).
    /// - Throws: ``XMLSignatureError`` ``XMLSignatureError/Code/untrustedCertificate`` with the
    ///   reasons swift-certificates gave.
    public func checkTrust(roots: [Certificate]) async throws(XMLSignatureError) {
        var verifier = Verifier(rootCertificates: CertificateStore(roots)) {
            RFC5280Policy()
        }
        let result = await verifier.validate(leaf: certificate, intermediates: CertificateStore(otherCertificates))
        switch result {
        case .validCertificate:
            return
        case .couldNotValidate(let failures):
            let reasons = Set(failures.map { "\($0.policyFailureReason)" }).sorted()
            throw XMLSignatureError(
                .untrustedCertificate,
                "the certificate does not chain to a trusted certificate"
                    + (reasons.isEmpty ? "" : " (" + reasons.joined(separator: "; ") + ")"))
        }
    }

    /// Checks trust against the certificates of PEM text (every `CERTIFICATE` block: a CA
    /// bundle, or the signer's own certificate), as ``checkTrust(roots:)`` does.
    /// - Throws: ``XMLSignatureError`` ``XMLSignatureError/Code/certificateUnreadable`` when the
    ///   text holds no readable certificate, or ``XMLSignatureError/Code/untrustedCertificate``.
    public func checkTrust(rootsPEM: String) async throws(XMLSignatureError) {
        let blocks = PEMBlock.all(in: rootsPEM, label: "CERTIFICATE")
        guard !blocks.isEmpty else {
            throw XMLSignatureError(.certificateUnreadable, "no CERTIFICATE block in the trusted certificates")
        }
        var roots: [Certificate] = []
        for (index, block) in blocks.enumerated() {
            guard let der = PEMBlock.der(of: block), let root = try? Certificate(derEncoded: der) else {
                throw XMLSignatureError(.certificateUnreadable, "trusted certificate \(index + 1) is not an X.509 certificate")
            }
            roots.append(root)
        }
        try await checkTrust(roots: roots)
    }
}
