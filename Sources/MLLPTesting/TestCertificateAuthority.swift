public import Foundation
import Crypto
import SwiftASN1
import X509

/// A certificate authority made at test time, in a temporary folder: a server certificate
/// (for `localhost`) and client certificates with the subjects asked for, all as PEM files, so
/// that TLS and mutual-TLS tests need no key material in the repository.
///
/// ```swift
/// let authority = try TestCertificateAuthority()
/// defer { authority.remove() }
/// let server = try authority.server()                          // (certificate, key) paths
/// let client = try authority.client(commonName: "his.example.vn", organization: "Example")
/// ```
public struct TestCertificateAuthority: Sendable {
    /// The folder holding the files.
    public let folder: URL
    /// The authority's certificate (PEM), to trust.
    public let certificateFile: String
    private let key: P256.Signing.PrivateKey
    private let name: DistinguishedName

    /// Makes the authority and writes its certificate.
    public init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-ca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        key = P256.Signing.PrivateKey()
        name = try DistinguishedName { CommonName("LienThong test CA") }
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86_400, issuer: name, subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                KeyUsage(keyCertSign: true)
            },
            issuerPrivateKey: .init(key))
        certificateFile = folder.appendingPathComponent("ca.pem").path
        try certificate.serializeAsPEM().pemString.write(toFile: certificateFile, atomically: true, encoding: .utf8)
    }

    /// A server certificate for `localhost` (and 127.0.0.1): its certificate and key files.
    public func server() throws -> (certificate: String, key: String) {
        let subject = try DistinguishedName { CommonName("localhost") }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
        }
        return try issue(subject, file: "server", extensions: extensions)
    }

    /// A client certificate whose subject is `CN=<commonName>,O=<organization>,C=VN` (RFC 4514
    /// order): its certificate and key files.
    public func client(commonName: String, organization: String) throws -> (certificate: String, key: String) {
        let subject = try DistinguishedName {
            CountryName("VN")
            OrganizationName(organization)
            CommonName(commonName)
        }
        let extensions = try Certificate.Extensions { Critical(BasicConstraints.notCertificateAuthority) }
        return try issue(subject, file: "client-\(UUID().uuidString)", extensions: extensions)
    }

    /// Deletes the folder.
    public func remove() {
        try? FileManager.default.removeItem(at: folder)
    }

    private func issue(_ subject: DistinguishedName, file: String, extensions: Certificate.Extensions) throws -> (certificate: String, key: String) {
        let leafKey = P256.Signing.PrivateKey()
        let now = Date()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(leafKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86_400, issuer: name, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: .init(key))
        let certificateFile = folder.appendingPathComponent("\(file).pem").path
        let keyFile = folder.appendingPathComponent("\(file).key").path
        try certificate.serializeAsPEM().pemString.write(toFile: certificateFile, atomically: true, encoding: .utf8)
        try leafKey.pemRepresentation.write(toFile: keyFile, atomically: true, encoding: .utf8)
        return (certificateFile, keyFile)
    }
}
