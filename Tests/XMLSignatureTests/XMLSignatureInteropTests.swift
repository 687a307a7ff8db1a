import Foundation
import Testing
import XMLSignature

/// Both directions against `xmlsec1` (an independent implementation on OpenSSL): it verifies what
/// we sign, we verify what it signs, and a changed document fails in both.
@Suite(.enabled(if: !ExternalTool.skipsInterop, "LIENTHONG_SKIP_XMLSEC=1"))
struct XMLSignatureInteropTests {
    static let claimsElement = "CHUKYDONVI"

    /// `xmlsec1 --verify`, trusting the key of `certificate` (`--pubkey-cert-pem`) or the
    /// certificate as a root for the one in KeyInfo (`--trusted-pem`).
    func xmlsecVerifies(_ document: Data, pki: TestPKI, trustingCertificate: Bool = false) throws -> ExternalTool.Run {
        let file = try pki.write(document, as: "to-verify-\(UUID().uuidString).xml")
        let option = trustingCertificate ? "--trusted-pem" : "--pubkey-cert-pem"
        return try ExternalTool("xmlsec1").run(["--verify", option, pki.certificate.path, file])
    }

    /// `xmlsec1 --sign` of an envelope holding `template`, with the PEM key and certificate.
    func xmlsecSigns(template: String, pki: TestPKI) throws -> Data {
        let input = try pki.write(TestDocuments.envelope(signature: template), as: "template.xml")
        let output = pki.folder.appendingPathComponent("xmlsec-signed.xml")
        let run = try ExternalTool("xmlsec1").run([
            "--sign", "--privkey-pem", "\(pki.key.path),\(pki.certificate.path)", "--output", output.path, input,
        ])
        guard run.status == 0 else { throw ToolFailed(step: "xmlsec1 --sign", errors: run.errors) }
        return try Data(contentsOf: output)
    }

    @Test func xmlsec1VerifiesOurSignature() throws {
        try TestPKI.with { pki in
            let identity = try SigningIdentity(privateKeyPEM: try pki.keyPEM, certificatePEM: try pki.certificatePEM)
            let signed = try XMLSigner(identity: identity).sign(TestDocuments.envelope(), inElement: Self.claimsElement)

            let byKey = try xmlsecVerifies(signed, pki: pki)
            #expect(byKey.status == 0, "xmlsec1: \(byKey.errors)")
            #expect(byKey.errors.contains("OK"))
            let byCertificate = try xmlsecVerifies(signed, pki: pki, trustingCertificate: true)
            #expect(byCertificate.status == 0, "xmlsec1: \(byCertificate.errors)")

            let verified = try XMLSignatureVerifier().verify(signed, inElement: Self.claimsElement)
            #expect(verified.subject.contains("CN=Test facility 79001"))
        }
    }

    @Test func xmlsec1RejectsOurSignatureOnAChangedDocument() throws {
        try TestPKI.with { pki in
            let identity = try SigningIdentity(privateKeyPEM: try pki.keyPEM, certificatePEM: try pki.certificatePEM)
            let signed = try XMLSigner(identity: identity).sign(TestDocuments.envelope(), inElement: Self.claimsElement)
            let changed = try TestDocuments.replacing("<MACSKCB>79001<", with: "<MACSKCB>79002<", in: signed)

            let run = try xmlsecVerifies(changed, pki: pki)
            #expect(run.status != 0)
            let error = try #require(throws: XMLSignatureError.self) { try XMLSignatureVerifier().verify(changed) }
            #expect(error.code == .digestMismatch)
        }
    }

    @Test func weVerifyXmlsec1Signature() throws {
        try TestPKI.with { pki in
            let signed = try xmlsecSigns(template: TestDocuments.template(), pki: pki)
            #expect(!(try TestDocuments.text(of: "DigestValue", in: signed)).isEmpty, "xmlsec1 filled the template")

            let verified = try XMLSignatureVerifier().verify(signed, inElement: Self.claimsElement)
            #expect(verified.subject.contains("CN=Test facility 79001"))
            #expect(verified.signatureAlgorithm == .rsaSHA256)
        }
    }

    @Test(arguments: [
        // Inclusive C14N: SignedInfo carries the envelope's xmlns:x and xmlns:y.
        ("http://www.w3.org/TR/2001/REC-xml-c14n-20010315", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha512",
         "http://www.w3.org/TR/2001/REC-xml-c14n-20010315", "http://www.w3.org/2001/04/xmldsig-more#sha384"),
        ("http://www.w3.org/2001/10/xml-exc-c14n#WithComments", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha384",
         "http://www.w3.org/2001/10/xml-exc-c14n#WithComments", "http://www.w3.org/2001/04/xmlenc#sha512"),
        ("http://www.w3.org/2006/12/xml-c14n11", "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
         "http://www.w3.org/2006/12/xml-c14n11", "http://www.w3.org/2001/04/xmlenc#sha256"),
    ])
    func weVerifyXmlsec1SignatureWithOtherAlgorithms(
        canonicalization: String, signatureMethod: String, transform: String, digestMethod: String
    ) throws {
        try TestPKI.with { pki in
            let template = TestDocuments.template(
                canonicalization: canonicalization, signatureMethod: signatureMethod, transform: transform,
                digestMethod: digestMethod)
            let signed = try xmlsecSigns(template: template, pki: pki)
            let verified = try XMLSignatureVerifier().verify(signed, inElement: Self.claimsElement)
            #expect(verified.signatureAlgorithm.uri == signatureMethod)

            let changed = try TestDocuments.replacing("<NGAYLAP>20240315<", with: "<NGAYLAP>20240316<", in: signed)
            let error = try #require(throws: XMLSignatureError.self) { try XMLSignatureVerifier().verify(changed) }
            #expect(error.code == .digestMismatch)
        }
    }

    @Test func xmlsec1SignatureOnAChangedDocumentFailsBothWays() throws {
        try TestPKI.with { pki in
            let signed = try xmlsecSigns(template: TestDocuments.template(), pki: pki)

            let content = try TestDocuments.replacing("&amp; \"Test\"", with: "&amp; \"Tost\"", in: signed)
            #expect(try xmlsecVerifies(content, pki: pki).status != 0)
            let contentError = try #require(throws: XMLSignatureError.self) { try XMLSignatureVerifier().verify(content) }
            #expect(contentError.code == .digestMismatch)

            // A changed SignatureValue: the digest still matches, the signature does not.
            let value = try TestDocuments.text(of: "SignatureValue", in: signed)
            let flipped = (value.first == "A" ? "B" : "A") + value.dropFirst()
            let signatureChanged = try TestDocuments.replacing(value, with: flipped, in: signed)
            #expect(try xmlsecVerifies(signatureChanged, pki: pki).status != 0)
            let signatureError = try #require(throws: XMLSignatureError.self) {
                try XMLSignatureVerifier().verify(signatureChanged)
            }
            #expect(signatureError.code == .badSignature)

            // A changed DigestValue: no longer the document's digest.
            let digest = try TestDocuments.text(of: "DigestValue", in: signed)
            let digestChanged = try TestDocuments.replacing(
                digest, with: (digest.first == "A" ? "B" : "A") + digest.dropFirst(), in: signed)
            #expect(try xmlsecVerifies(digestChanged, pki: pki).status != 0)
            let digestError = try #require(throws: XMLSignatureError.self) { try XMLSignatureVerifier().verify(digestChanged) }
            #expect(digestError.code == .digestMismatch)
        }
    }

    @Test func pkcs12IdentitySignsWhatXmlsec1Verifies() throws {
        try TestPKI.with { pki in
            let identity = try SigningIdentity(pkcs12: [UInt8](try Data(contentsOf: pki.pkcs12)), password: TestPKI.password)
            let signed = try XMLSigner(identity: identity).sign(TestDocuments.envelope(), inElement: Self.claimsElement)
            let run = try xmlsecVerifies(signed, pki: pki, trustingCertificate: true)
            #expect(run.status == 0, "xmlsec1: \(run.errors)")
        }
    }

    @Test func sha1SignatureFromXmlsec1IsUnsupported() throws {
        try TestPKI.with { pki in
            let signed = try xmlsecSigns(
                template: TestDocuments.template(
                    signatureMethod: "http://www.w3.org/2000/09/xmldsig#rsa-sha1",
                    digestMethod: "http://www.w3.org/2000/09/xmldsig#sha1"),
                pki: pki)
            let error = try #require(throws: XMLSignatureError.self) { try XMLSignatureVerifier().verify(signed) }
            #expect(error.code == .unsupportedAlgorithm)
            #expect(error.detail.contains("rsa-sha1"))
        }
    }
}
