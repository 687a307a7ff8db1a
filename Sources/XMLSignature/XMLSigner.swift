import CLibXML2
import Crypto
public import Foundation
import _CryptoExtras

/// Signs an XML document with an enveloped W3C XML Signature.
///
/// The signature is the one the Vietnamese claims gateway expects in an envelope's `CHUKYDONVI`:
///
/// ```xml
/// <Signature xmlns="http://www.w3.org/2000/09/xmldsig#">
///   <SignedInfo>
///     <CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
///     <SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/>
///     <Reference URI="">
///       <Transforms>
///         <Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
///         <Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/>
///       </Transforms>
///       <DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>
///       <DigestValue>…</DigestValue>
///     </Reference>
///   </SignedInfo>
///   <SignatureValue>…</SignatureValue>
///   <KeyInfo><X509Data><X509Certificate>…</X509Certificate></X509Data></KeyInfo>
/// </Signature>
/// ```
///
/// (written without the line breaks). The digest covers the whole document without comments and
/// without the signature, canonicalized by libxml2 (exclusive C14N); the signature value is RSA
/// PKCS#1 v1.5 over SHA-256 of the canonical `SignedInfo`, by swift-crypto.
///
/// ```swift
/// let signer = XMLSigner(identity: try SigningIdentity(pkcs12: bytes, password: password))
/// let signed = try signer.sign(envelope, inElement: "CHUKYDONVI")
/// ```
public struct XMLSigner: Sendable {
    /// The key and certificate that sign.
    public var identity: SigningIdentity

    /// Creates a signer.
    public init(identity: SigningIdentity) {
        self.identity = identity
    }

    /// Signs a document.
    ///
    /// The `Signature` is appended to the first element named `element` (in no namespace); a
    /// `Signature` already there is replaced, so signing again gives one signature. The rest of
    /// the document is kept as libxml2 reads and writes it (UTF-8, with an XML declaration); what
    /// canonicalization ignores (attribute order and quotes, character references) may be
    /// written differently.
    /// - Parameters:
    ///   - document: The XML document's bytes.
    ///   - element: The local name of the element the signature goes into (`CHUKYDONVI`).
    /// - Returns: The signed document's bytes.
    /// - Throws: ``XMLSignatureError`` ``XMLSignatureError/Code/malformedDocument``,
    ///   ``XMLSignatureError/Code/missingSignatureParent`` or
    ///   ``XMLSignatureError/Code/xmlLibraryFailure``.
    public func sign(_ document: Data, inElement element: String) throws(XMLSignatureError) -> Data {
        let tree = try XMLTree(parsing: document)
        guard let parent = tree.elements(named: element, namespace: nil).first else {
            throw XMLSignatureError(.missingSignatureParent, "the document has no \(element) element")
        }
        for old in tree.children(of: parent, named: "Signature", namespace: XMLSignatureAlgorithm.namespace) {
            tree.remove(old)
        }

        guard let signature = xmlNewDocNode(tree.document, nil, "Signature", nil) else {
            throw XMLSignatureError(.xmlLibraryFailure, "out of memory")
        }
        guard xmlAddChild(parent, signature) != nil else {
            xmlFreeNode(signature)
            throw XMLSignatureError(.xmlLibraryFailure, "cannot add Signature")
        }
        let namespace = xmlNewNs(signature, XMLSignatureAlgorithm.namespace, nil)
        xmlSetNs(signature, namespace)

        func add(_ name: String, to parent: xmlNodePtr, algorithm: XMLSignatureAlgorithm? = nil, text: String? = nil,
                 uri: String? = nil) throws(XMLSignatureError) -> xmlNodePtr {
            var attributes: [(String, String)] = []
            if let uri { attributes.append(("URI", uri)) }
            if let algorithm { attributes.append(("Algorithm", algorithm.uri)) }
            return try tree.appendElement(name, to: parent, namespace: namespace, text: text, attributes: attributes)
        }
        let signedInfo = try add("SignedInfo", to: signature)
        _ = try add("CanonicalizationMethod", to: signedInfo, algorithm: .exclusiveC14N)
        _ = try add("SignatureMethod", to: signedInfo, algorithm: .rsaSHA256)
        let reference = try add("Reference", to: signedInfo, uri: "")
        let transforms = try add("Transforms", to: reference)
        _ = try add("Transform", to: transforms, algorithm: .envelopedSignature)
        _ = try add("Transform", to: transforms, algorithm: .exclusiveC14N)
        _ = try add("DigestMethod", to: reference, algorithm: .sha256)
        let digestValue = try add("DigestValue", to: reference)
        let signatureValue = try add("SignatureValue", to: signature)
        let keyInfo = try add("KeyInfo", to: signature)
        let data = try add("X509Data", to: keyInfo)
        _ = try add("X509Certificate", to: data, text: Data(identity.certificateDER).base64EncodedString())

        let exclusive = XMLTree.Canonicalization(.exclusiveC14N)!
        let content = try tree.canonicalized(.excluding(signature), exclusive)
        tree.setText(Data(SHA256.hash(data: content)).base64EncodedString(), of: digestValue)

        let canonicalSignedInfo = try tree.canonicalized(.subtree(signedInfo), exclusive)
        let value: _RSA.Signing.RSASignature
        do {
            value = try identity.privateKey.signature(for: SHA256.hash(data: canonicalSignedInfo), padding: .insecurePKCS1v1_5)
        } catch {
            throw XMLSignatureError(.keyUnreadable, "swift-crypto could not sign with the private key")
        }
        tree.setText(value.rawRepresentation.base64EncodedString(), of: signatureValue)
        return try tree.serialized()
    }
}
