import Foundation

/// A test-only signer made by `openssl` in a temporary folder: a 2048-bit RSA key, its
/// self-signed certificate (valid for two days) and both in a PKCS#12 file with a password.
/// The folder is removed when the closure returns.
struct TestPKI {
    static let password = "test-only-password"

    let folder: URL
    var key: URL { folder.appendingPathComponent("key.pem") }
    var certificate: URL { folder.appendingPathComponent("cert.pem") }
    var pkcs12: URL { folder.appendingPathComponent("identity.p12") }

    var keyPEM: String { get throws { try String(contentsOf: key, encoding: .utf8) } }
    var certificatePEM: String { get throws { try String(contentsOf: certificate, encoding: .utf8) } }

    /// Makes a key, a certificate with `commonName` and a PKCS#12 file, runs `body`, then
    /// removes them.
    static func with<T>(commonName: String = "Test facility 79001", _ body: (TestPKI) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("lienthong-xmlsig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pki = TestPKI(folder: folder)
        let openssl = try ExternalTool("openssl")
        let request = try openssl.run([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", pki.key.path, "-out", pki.certificate.path,
            "-days", "2", "-subj", "/CN=\(commonName)/O=LienThong test only",
        ])
        guard request.status == 0 else { throw ToolFailed(step: "openssl req", errors: request.errors) }
        let export = try openssl.run([
            "pkcs12", "-export", "-inkey", pki.key.path, "-in", pki.certificate.path, "-out", pki.pkcs12.path,
            "-passout", "pass:\(password)",
        ])
        guard export.status == 0 else { throw ToolFailed(step: "openssl pkcs12", errors: export.errors) }
        return try body(pki)
    }

    /// Writes bytes to a file in the folder and gives its path.
    func write(_ bytes: Data, as name: String) throws -> String {
        let file = folder.appendingPathComponent(name)
        try bytes.write(to: file)
        return file.path
    }
}

struct ToolFailed: Error, CustomStringConvertible {
    var step: String
    var errors: String
    var description: String { "\(step) failed: \(errors)" }
}
