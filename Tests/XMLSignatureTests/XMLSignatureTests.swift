import Foundation
import Testing
import XMLSignature

/// Signing and verifying without xmlsec1: the steps, their errors, identities and trust.
@Suite struct XMLSignatureTests {
    static let claimsElement = "CHUKYDONVI"

    func identity(_ pki: TestPKI) throws -> SigningIdentity {
        try SigningIdentity(privateKeyPEM: try pki.keyPEM, certificatePEM: try pki.certificatePEM)
    }

    @Test func signatureHasTheGatewaysShapeAndVerifies() throws {
        try TestPKI.with { pki in
            let signed = try XMLSigner(identity: try identity(pki)).sign(TestDocuments.envelope(), inElement: Self.claimsElement)
            let text = String(decoding: signed, as: UTF8.self)
            #expect(text.contains("<CHUKYDONVI><Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo>"))
            #expect(text.contains("<Reference URI=\"\"><Transforms><Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/><Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></Transforms>"))
            #expect(text.contains("<SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\"/>"))
            #expect(text.contains("<DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>"))
            let certificate = try TestDocuments.text(of: "X509Certificate", in: signed)
            let pem = try pki.certificatePEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
            #expect(certificate == pem)
            #expect(text.contains("Bệnh viện"), "the rest of the document is kept")

            let verified = try XMLSignatureVerifier().verify(signed, inElement: Self.claimsElement)
            #expect(verified.subject == "CN=Test facility 79001,O=LienThong test only"
                || verified.subject == "O=LienThong test only,CN=Test facility 79001")
        }
    }

    @Test func signingAgainReplacesTheSignature() throws {
        try TestPKI.with { pki in
            let signer = XMLSigner(identity: try identity(pki))
            let once = try signer.sign(TestDocuments.envelope(), inElement: Self.claimsElement)
            let changed = try TestDocuments.replacing("<NGAYLAP>20240315<", with: "<NGAYLAP>20240316<", in: once)
            let twice = try signer.sign(changed, inElement: Self.claimsElement)
            #expect(String(decoding: twice, as: UTF8.self).components(separatedBy: "<Signature ").count == 2)
            _ = try XMLSignatureVerifier().verify(twice, inElement: Self.claimsElement)
        }
    }

    @Test func missingSignatureAndMissingPlaceAreNamed() throws {
        let unsigned = try #require(throws: XMLSignatureError.self) {
            try XMLSignatureVerifier().verify(TestDocuments.envelope(), inElement: Self.claimsElement)
        }
        #expect(unsigned.code == .noSignature)
        #expect(unsigned.description.contains("CHUKYDONVI"))

        let anywhere = try #require(throws: XMLSignatureError.self) { try XMLSignatureVerifier().verify(TestDocuments.envelope()) }
        #expect(anywhere.code == .noSignature)

        try TestPKI.with { pki in
            let noPlace = try #require(throws: XMLSignatureError.self) {
                try XMLSigner(identity: try identity(pki)).sign(Data("<GIAMDINHHS/>".utf8), inElement: Self.claimsElement)
            }
            #expect(noPlace.code == .missingSignatureParent)

            // A signature outside CHUKYDONVI is not the envelope's signature.
            let elsewhere = try XMLSigner(identity: try identity(pki)).sign(TestDocuments.envelope(), inElement: "THONGTINDONVI")
            _ = try XMLSignatureVerifier().verify(elsewhere)
            let misplaced = try #require(throws: XMLSignatureError.self) {
                try XMLSignatureVerifier().verify(elsewhere, inElement: Self.claimsElement)
            }
            #expect(misplaced.code == .noSignature)
        }
    }

    @Test func malformedInputIsReportedWithoutItsContent() throws {
        let broken = Data("<GIAMDINHHS><HO_TEN>Nguyễn Văn A</HO_TEN>".utf8)
        let error = try #require(throws: XMLSignatureError.self) { try XMLSignatureVerifier().verify(broken) }
        #expect(error.code == .malformedDocument)
        #expect(!error.description.contains("Nguyễn"))
    }

    @Test func unreadableCertificateAndMissingElementsAreNamed() throws {
        try TestPKI.with { pki in
            let signed = try XMLSigner(identity: try identity(pki)).sign(TestDocuments.envelope(), inElement: Self.claimsElement)
            let certificate = try TestDocuments.text(of: "X509Certificate", in: signed)
            // KeyInfo is not signed: a changed certificate is found at the certificate step.
            let garbage = try TestDocuments.replacing(certificate, with: "AAAAAAAA", in: signed)
            let unreadable = try #require(throws: XMLSignatureError.self) { try XMLSignatureVerifier().verify(garbage) }
            #expect(unreadable.code == .certificateUnreadable)

            let noKeyInfo = try TestDocuments.replacing(
                "<KeyInfo><X509Data><X509Certificate>\(certificate)</X509Certificate></X509Data></KeyInfo>", with: "",
                in: signed)
            let missing = try #require(throws: XMLSignatureError.self) { try XMLSignatureVerifier().verify(noKeyInfo) }
            #expect(missing.code == .certificateUnreadable)

            let noSignedInfo = try TestDocuments.replacing(
                "</SignedInfo>", with: "</Info>", in: try TestDocuments.replacing("<SignedInfo>", with: "<Info>", in: signed))
            let malformed = try #require(throws: XMLSignatureError.self) { try XMLSignatureVerifier().verify(noSignedInfo) }
            #expect(malformed.code == .malformedSignature)

            let otherReference = try TestDocuments.replacing("URI=\"\"", with: "URI=\"#part\"", in: signed)
            let unsupported = try #require(throws: XMLSignatureError.self) { try XMLSignatureVerifier().verify(otherReference) }
            #expect(unsupported.code == .unsupportedAlgorithm)
        }
    }

    @Test func certificateOfAnotherSignerFailsTheSignatureStep() throws {
        try TestPKI.with { pki in
            try TestPKI.with(commonName: "Another facility") { other in
                let signed = try XMLSigner(identity: try identity(pki)).sign(TestDocuments.envelope(), inElement: Self.claimsElement)
                let ours = try TestDocuments.text(of: "X509Certificate", in: signed)
                let theirs = try other.certificatePEM.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
                let swapped = try TestDocuments.replacing(ours, with: theirs, in: signed)
                let error = try #require(throws: XMLSignatureError.self) { try XMLSignatureVerifier().verify(swapped) }
                #expect(error.code == .badSignature)
            }
        }
    }

    @Test func identitiesAreCheckedWhenRead() throws {
        try TestPKI.with { pki in
            try TestPKI.with(commonName: "Another facility") { other in
                let mismatch = try #require(throws: XMLSignatureError.self) {
                    try SigningIdentity(privateKeyPEM: try pki.keyPEM, certificatePEM: try other.certificatePEM)
                }
                #expect(mismatch.code == .keyMismatch)
            }
            let p12 = [UInt8](try Data(contentsOf: pki.pkcs12))
            let fromBundle = try SigningIdentity(pkcs12: p12, password: TestPKI.password)
            #expect(fromBundle.certificate == (try identity(pki)).certificate)
            let wrongPassword = try #require(throws: XMLSignatureError.self) {
                try SigningIdentity(pkcs12: p12, password: "Secret-XYZ-42")
            }
            #expect(wrongPassword.code == .keyUnreadable)
            #expect(!wrongPassword.description.contains("Secret-XYZ-42"))

            let noKey = try #require(throws: XMLSignatureError.self) {
                try SigningIdentity(privateKeyPEM: try pki.certificatePEM, certificatePEM: try pki.certificatePEM)
            }
            #expect(noKey.code == .keyUnreadable)
            let noCertificate = try #require(throws: XMLSignatureError.self) {
                try SigningIdentity(privateKeyPEM: try pki.keyPEM, certificatePEM: try pki.keyPEM)
            }
            #expect(noCertificate.code == .certificateUnreadable)
            #expect(!fromBundle.description.contains("PRIVATE"))
        }
    }

    @Test func legacyPKCS12IsRead() throws {
        try TestPKI.with { pki in
            // OpenSSL 1.x's defaults: RC2-40 for the certificates, 3DES for the key, SHA-1 MAC.
            let legacy = pki.folder.appendingPathComponent("legacy.p12")
            let export = try ExternalTool("openssl").run([
                "pkcs12", "-export", "-legacy", "-inkey", pki.key.path, "-in", pki.certificate.path, "-out", legacy.path,
                "-passout", "pass:\(TestPKI.password)",
            ])
            try #require(export.status == 0, "openssl pkcs12 -legacy: \(export.errors)")
            let identity = try SigningIdentity(pkcs12: [UInt8](try Data(contentsOf: legacy)), password: TestPKI.password)
            #expect(identity.certificate == (try self.identity(pki)).certificate)
        }
    }

    @Test func trustIsCheckedAgainstGivenRoots() async throws {
        let (signed, own, other) = try TestPKI.with { pki in
            try TestPKI.with(commonName: "Another facility") { other in
                (try XMLSigner(identity: try identity(pki)).sign(TestDocuments.envelope(), inElement: Self.claimsElement),
                 try identity(pki).certificate, try identity(other).certificate)
            }
        }
        let verified = try XMLSignatureVerifier().verify(signed)
        try await verified.checkTrust(roots: [own])
        await #expect(throws: XMLSignatureError.self) { try await verified.checkTrust(roots: [other]) }
        do {
            try await verified.checkTrust(roots: [])
            Issue.record("no roots, no trust")
        } catch {
            #expect(error.code == .untrustedCertificate)
        }
    }
}
