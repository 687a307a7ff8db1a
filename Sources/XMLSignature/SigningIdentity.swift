import SwiftASN1
public import X509
import _CryptoExtras

/// What signs: an RSA private key and the X.509 certificate of its public key.
///
/// Read from PEM text (a `PRIVATE KEY` or `RSA PRIVATE KEY` block and a `CERTIFICATE` block; the
/// first certificate of a chain file is the signer's) or from a PKCS#12 file
/// (``init(pkcs12:password:)``). The key is checked against the certificate when the identity is
/// made, so a signature never names a certificate that cannot verify it.
///
/// ```swift
/// let identity = try SigningIdentity(privateKeyPEM: keyText, certificatePEM: certificateText)
/// let signed = try XMLSigner(identity: identity).sign(envelope, inElement: "CHUKYDONVI")
/// ```
///
/// Its `description` names the certificate's subject only; the key is never printed.
public struct SigningIdentity: Sendable, CustomStringConvertible {
    /// The signer's certificate, written into the signature's `KeyInfo`.
    public let certificate: Certificate
    /// The certificate's DER bytes, as read.
    let certificateDER: [UInt8]
    let privateKey: _RSA.Signing.PrivateKey

    /// Reads an identity from PEM text.
    /// - Throws: ``XMLSignatureError`` ``XMLSignatureError/Code/keyUnreadable`` (no RSA key of
    ///   2048 bits or more, or an encrypted PEM key: use PKCS#12 for a key with a password),
    ///   ``XMLSignatureError/Code/certificateUnreadable`` or
    ///   ``XMLSignatureError/Code/keyMismatch``.
    public init(privateKeyPEM: String, certificatePEM: String) throws(XMLSignatureError) {
        if PEMBlock.first(in: privateKeyPEM, labels: ["ENCRYPTED PRIVATE KEY"]) != nil
            || privateKeyPEM.contains("Proc-Type: 4,ENCRYPTED")
        {
            throw XMLSignatureError(
                .keyUnreadable, "the PEM private key is encrypted; give the key and its certificate as PKCS#12 instead")
        }
        guard let keyBlock = PEMBlock.first(in: privateKeyPEM, labels: ["PRIVATE KEY", "RSA PRIVATE KEY"]) else {
            throw XMLSignatureError(.keyUnreadable, "no PRIVATE KEY or RSA PRIVATE KEY block in the PEM text")
        }
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: keyBlock)
        } catch {
            throw XMLSignatureError(.keyUnreadable, "the PEM private key is not an RSA key of 2048 bits or more")
        }
        guard let certificateBlock = PEMBlock.first(in: certificatePEM, labels: ["CERTIFICATE"]) else {
            throw XMLSignatureError(.certificateUnreadable, "no CERTIFICATE block in the PEM text")
        }
        guard let der = PEMBlock.der(of: certificateBlock) else {
            throw XMLSignatureError(.certificateUnreadable, "the CERTIFICATE block is not valid base64")
        }
        try self.init(privateKey: key, certificateDER: der)
    }

    /// Pairs a key with its certificate.
    /// - Throws: ``XMLSignatureError`` ``XMLSignatureError/Code/certificateUnreadable`` or
    ///   ``XMLSignatureError/Code/keyMismatch`` when the certificate is not the key's.
    init(privateKey: _RSA.Signing.PrivateKey, certificateDER: [UInt8]) throws(XMLSignatureError) {
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: certificateDER)
        } catch {
            throw XMLSignatureError(.certificateUnreadable, "the certificate is not an X.509 certificate")
        }
        guard Certificate.PublicKey(privateKey.publicKey) == certificate.publicKey else {
            throw XMLSignatureError(.keyMismatch, "the private key does not belong to the certificate")
        }
        self.privateKey = privateKey
        self.certificate = certificate
        self.certificateDER = certificateDER
    }

    /// The certificate's subject, as RFC 4514 text (`CN=…,O=…`).
    public var subject: String { certificate.subject.description }

    public var description: String { "SigningIdentity(subject: \(certificate.subject))" }
}
