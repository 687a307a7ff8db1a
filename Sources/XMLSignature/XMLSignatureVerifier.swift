import CLibXML2
import Crypto
public import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// Verifies an enveloped W3C XML Signature, such as ``XMLSigner`` or `xmlsec1` writes.
///
/// Verification follows XMLDSig core validation, step by step, and says which step failed:
/// 1. find the `Signature` (``XMLSignatureError/Code/noSignature``), read its `SignedInfo`
///    (``XMLSignatureError/Code/malformedSignature``) and its algorithms
///    (``XMLSignatureError/Code/unsupportedAlgorithm``);
/// 2. for each `Reference` (same-document `URI=""` only), apply its transforms
///    (enveloped-signature, exclusive or inclusive C14N by libxml2), digest and compare
///    (``XMLSignatureError/Code/digestMismatch``: the signed content changed);
/// 3. read the certificate of `KeyInfo/X509Data/X509Certificate`
///    (``XMLSignatureError/Code/certificateUnreadable``);
/// 4. verify `SignatureValue` over the canonical `SignedInfo` with the certificate's RSA key
///    (``XMLSignatureError/Code/badSignature``).
///
/// Supported: canonicalization exclusive C14N 1.0, C14N 1.0 and 1.1 (with or without comments;
/// `InclusiveNamespaces PrefixList`); digests SHA-256, SHA-384, SHA-512; signatures RSA PKCS#1
/// v1.5 with those digests. SHA-1 is refused as unsupported.
///
/// Whether the certificate is trusted is a separate question:
/// ``VerifiedXMLSignature/checkTrust(roots:)``.
///
/// ```swift
/// let verified = try XMLSignatureVerifier().verify(envelope, inElement: "CHUKYDONVI")
/// print(verified.subject)   // CN=Bệnh viện …,O=…
/// ```
public struct XMLSignatureVerifier: Sendable {
    /// Creates a verifier.
    public init() {}

    /// Verifies a document's signature.
    /// - Parameters:
    ///   - document: The signed document's bytes.
    ///   - element: The local name of the element the `Signature` must be a child of
    ///     (`CHUKYDONVI`); `nil`: the first `Signature` anywhere in the document.
    /// - Returns: The signer's certificate and the algorithm.
    /// - Throws: ``XMLSignatureError`` naming the step that failed.
    public func verify(_ document: Data, inElement element: String? = nil) throws(XMLSignatureError) -> VerifiedXMLSignature {
        let tree = try XMLTree(parsing: document)
        let dsig = XMLSignatureAlgorithm.namespace
        let signature: xmlNodePtr
        if let element {
            let parents = tree.elements(named: element, namespace: nil)
            guard !parents.isEmpty else { throw XMLSignatureError(.noSignature, "the document has no \(element) element") }
            guard let found = parents.lazy.flatMap({ tree.children(of: $0, named: "Signature", namespace: dsig) }).first else {
                throw XMLSignatureError(.noSignature, "\(element) holds no XML signature (Signature in \(dsig))")
            }
            signature = found
        } else {
            guard let found = tree.elements(named: "Signature", namespace: dsig).first else {
                throw XMLSignatureError(.noSignature, "the document holds no XML signature (Signature in \(dsig))")
            }
            signature = found
        }

        // 1. SignedInfo and its algorithms.
        let signedInfo = try Self.onlyChild("SignedInfo", of: signature, in: tree)
        let canonicalizationNode = try Self.onlyChild("CanonicalizationMethod", of: signedInfo, in: tree)
        let canonicalization = try Self.canonicalization(canonicalizationNode, in: tree)
        let methodNode = try Self.onlyChild("SignatureMethod", of: signedInfo, in: tree)
        let method = try Self.algorithm(of: methodNode, in: tree)
        guard [.rsaSHA256, .rsaSHA384, .rsaSHA512].contains(method) else {
            throw XMLSignatureError(.unsupportedAlgorithm, "SignatureMethod \(method) is not supported (RSA with SHA-256, -384 or -512)")
        }
        if !tree.children(of: methodNode, named: "HMACOutputLength", namespace: dsig).isEmpty {
            throw XMLSignatureError(.malformedSignature, "SignatureMethod has an HMACOutputLength, which RSA does not take")
        }
        let references = tree.children(of: signedInfo, named: "Reference", namespace: dsig)
        guard !references.isEmpty else { throw XMLSignatureError(.malformedSignature, "SignedInfo has no Reference") }

        // 2. References.
        for (index, reference) in references.enumerated() {
            try Self.check(reference, number: index + 1, of: signature, in: tree)
        }

        // 3. The certificate.
        let certificates = try Self.certificates(of: signature, in: tree)
        guard let publicKey = _RSA.Signing.PublicKey(certificates[0].publicKey) else {
            throw XMLSignatureError(.unsupportedAlgorithm, "the certificate's key is not an RSA key")
        }

        // 4. SignatureValue over the canonical SignedInfo.
        let valueNode = try Self.onlyChild("SignatureValue", of: signature, in: tree)
        guard let value = Self.base64(tree.text(of: valueNode)) else {
            throw XMLSignatureError(.malformedSignature, "SignatureValue is not base64")
        }
        let canonicalSignedInfo = try tree.canonicalized(.subtree(signedInfo), canonicalization)
        let signatureBytes = _RSA.Signing.RSASignature(rawRepresentation: value)
        let valid: Bool
        switch method {
        case .rsaSHA384:
            valid = publicKey.isValidSignature(signatureBytes, for: SHA384.hash(data: canonicalSignedInfo), padding: .insecurePKCS1v1_5)
        case .rsaSHA512:
            valid = publicKey.isValidSignature(signatureBytes, for: SHA512.hash(data: canonicalSignedInfo), padding: .insecurePKCS1v1_5)
        default:
            valid = publicKey.isValidSignature(signatureBytes, for: SHA256.hash(data: canonicalSignedInfo), padding: .insecurePKCS1v1_5)
        }
        guard valid else {
            throw XMLSignatureError(
                .badSignature, "SignatureValue does not verify over SignedInfo with the certificate's key (\(method))")
        }
        return VerifiedXMLSignature(
            certificate: certificates[0], otherCertificates: Array(certificates.dropFirst()), signatureAlgorithm: method)
    }

    /// Checks one `Reference`: its URI, transforms and digest.
    private static func check(_ reference: xmlNodePtr, number: Int, of signature: xmlNodePtr, in tree: XMLTree) throws(XMLSignatureError) {
        let dsig = XMLSignatureAlgorithm.namespace
        let label = "Reference \(number)"
        guard let uri = tree.attribute("URI", of: reference) else {
            throw XMLSignatureError(.unsupportedAlgorithm, "\(label) has no URI; only URI=\"\" (the whole document) is supported")
        }
        guard uri.isEmpty else {
            throw XMLSignatureError(.unsupportedAlgorithm, "\(label) has URI=\"\(uri.prefix(64))\"; only URI=\"\" (the whole document) is supported")
        }
        var enveloped = false
        // A same-document reference leaves comments out, whatever the canonicalization says;
        // with no canonicalization transform the node set becomes bytes by C14N 1.0.
        var canonicalization = XMLTree.Canonicalization(.c14n)!
        for transforms in tree.children(of: reference, named: "Transforms", namespace: dsig) {
            for transform in tree.children(of: transforms, named: "Transform", namespace: dsig) {
                let algorithm = try algorithm(of: transform, in: tree)
                if algorithm == .envelopedSignature {
                    enveloped = true
                } else if var named = XMLTree.Canonicalization(algorithm) {
                    named.inclusivePrefixes = inclusivePrefixes(of: transform, in: tree)
                    named.withComments = false
                    canonicalization = named
                } else {
                    throw XMLSignatureError(.unsupportedAlgorithm, "\(label): Transform \(algorithm) is not supported")
                }
            }
        }
        let digestMethod = try algorithm(of: try onlyChild("DigestMethod", of: reference, in: tree), in: tree)
        guard [.sha256, .sha384, .sha512].contains(digestMethod) else {
            throw XMLSignatureError(.unsupportedAlgorithm, "\(label): DigestMethod \(digestMethod) is not supported (SHA-256, -384 or -512)")
        }
        guard let expected = base64(tree.text(of: try onlyChild("DigestValue", of: reference, in: tree))) else {
            throw XMLSignatureError(.malformedSignature, "\(label): DigestValue is not base64")
        }
        let content = try tree.canonicalized(enveloped ? .excluding(signature) : .document, canonicalization)
        let actual: Data
        switch digestMethod {
        case .sha384: actual = Data(SHA384.hash(data: content))
        case .sha512: actual = Data(SHA512.hash(data: content))
        default: actual = Data(SHA256.hash(data: content))
        }
        guard actual == expected else {
            throw XMLSignatureError(.digestMismatch, "\(label): the document's digest does not match DigestValue; the signed content was changed")
        }
    }

    /// The certificates of `KeyInfo/X509Data/X509Certificate`, the signer's first.
    private static func certificates(of signature: xmlNodePtr, in tree: XMLTree) throws(XMLSignatureError) -> [Certificate] {
        let dsig = XMLSignatureAlgorithm.namespace
        let nodes = tree.children(of: signature, named: "KeyInfo", namespace: dsig)
            .flatMap { tree.children(of: $0, named: "X509Data", namespace: dsig) }
            .flatMap { tree.children(of: $0, named: "X509Certificate", namespace: dsig) }
        guard !nodes.isEmpty else {
            throw XMLSignatureError(.certificateUnreadable, "the signature has no KeyInfo/X509Data/X509Certificate")
        }
        var certificates: [Certificate] = []
        for (index, node) in nodes.enumerated() {
            guard let der = base64(tree.text(of: node)) else {
                throw XMLSignatureError(.certificateUnreadable, "X509Certificate \(index + 1) is not base64")
            }
            do {
                certificates.append(try Certificate(derEncoded: [UInt8](der)))
            } catch {
                throw XMLSignatureError(.certificateUnreadable, "X509Certificate \(index + 1) is not an X.509 certificate")
            }
        }
        return certificates
    }

    private static func canonicalization(_ node: xmlNodePtr, in tree: XMLTree) throws(XMLSignatureError) -> XMLTree.Canonicalization {
        let algorithm = try algorithm(of: node, in: tree)
        guard var canonicalization = XMLTree.Canonicalization(algorithm) else {
            throw XMLSignatureError(.unsupportedAlgorithm, "CanonicalizationMethod \(algorithm) is not supported")
        }
        canonicalization.inclusivePrefixes = inclusivePrefixes(of: node, in: tree)
        return canonicalization
    }

    /// The `PrefixList` of an `InclusiveNamespaces` child (exclusive C14N's parameter).
    private static func inclusivePrefixes(of node: xmlNodePtr, in tree: XMLTree) -> [String] {
        tree.children(of: node, named: "InclusiveNamespaces", namespace: XMLSignatureAlgorithm.exclusiveC14N.uri)
            .compactMap { tree.attribute("PrefixList", of: $0) }
            .flatMap { $0.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init) }
    }

    private static func algorithm(of node: xmlNodePtr, in tree: XMLTree) throws(XMLSignatureError) -> XMLSignatureAlgorithm {
        guard let uri = tree.attribute("Algorithm", of: node) else {
            throw XMLSignatureError(.malformedSignature, "\(tree.name(of: node)) has no Algorithm")
        }
        return XMLSignatureAlgorithm(uri: uri)
    }

    private static func onlyChild(_ name: String, of node: xmlNodePtr, in tree: XMLTree) throws(XMLSignatureError) -> xmlNodePtr {
        let found = tree.children(of: node, named: name, namespace: XMLSignatureAlgorithm.namespace)
        guard found.count == 1 else {
            throw XMLSignatureError(
                .malformedSignature,
                found.isEmpty ? "\(tree.name(of: node)) has no \(name)" : "\(tree.name(of: node)) has \(found.count) \(name) elements")
        }
        return found[0]
    }

    private static func base64(_ text: String) -> Data? {
        Data(base64Encoded: String(text.unicodeScalars.filter { !" \t\r\n".unicodeScalars.contains($0) }))
    }
}
