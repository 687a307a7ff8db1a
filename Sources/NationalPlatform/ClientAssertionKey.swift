import Crypto
public import Foundation
import _CryptoExtras

/// The facility's private key for `private_key_jwt` client authentication: RSA (signs RS256) or
/// P-256 (signs ES256), read from PEM.
///
/// The key never appears in ``description``.
public struct ClientAssertionKey: Sendable, CustomStringConvertible {
    enum Storage: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
    }

    let storage: Storage
    /// The `kid` put in the JWT header, when the platform wants one.
    public var keyID: String?

    /// Reads a PEM private key (PKCS#8 `PRIVATE KEY`, `RSA PRIVATE KEY` or `EC PRIVATE KEY`).
    ///
    /// - Throws: ``PlatformError`` (``PlatformError/Code/invalidKey``) when the text is no RSA or
    ///   P-256 private key.
    public init(pem: String, keyID: String? = nil) throws(PlatformError) {
        self.keyID = keyID
        if let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) {
            storage = .p256(key)
        } else if let key = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) {
            storage = .rsa(key)
        } else {
            throw PlatformError(.invalidKey, path: "", "the PEM text holds no RSA or P-256 private key")
        }
    }

    /// Reads a PEM private key from a file.
    public init(contentsOf file: URL, keyID: String? = nil) throws(PlatformError) {
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw PlatformError(.invalidKey, path: file.path, "the key file cannot be read")
        }
        try self.init(pem: text, keyID: keyID)
    }

    /// `RS256` or `ES256`.
    public var algorithm: String {
        switch storage {
        case .rsa: "RS256"
        case .p256: "ES256"
        }
    }

    /// A signed JWT (compact form) for the token request: `iss` = `sub` = the client id, `aud`
    /// = the token URL, a fresh `jti`, valid for `lifetime`.
    public func assertion(clientID: String, audience: String, issuedAt: Date, lifetime: TimeInterval = 300) throws(PlatformError) -> String {
        var header: [String: String] = ["alg": algorithm, "typ": "JWT"]
        if let keyID { header["kid"] = keyID }
        let issued = Int(issuedAt.timeIntervalSince1970)
        let claims: [String: any Sendable] = [
            "iss": clientID, "sub": clientID, "aud": audience, "jti": UUID().uuidString,
            "iat": issued, "exp": issued + Int(lifetime),
        ]
        let input: String
        do {
            let headerData = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])
            let claimsData = try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys, .withoutEscapingSlashes])
            input = Self.base64URL(headerData) + "." + Self.base64URL(claimsData)
        } catch {
            throw PlatformError(.invalidRequest, path: audience, "the JWT assertion cannot be written")
        }
        let signature: Data
        do {
            switch storage {
            case .rsa(let key): signature = try key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5).rawRepresentation
            case .p256(let key): signature = try key.signature(for: Data(input.utf8)).rawRepresentation
            }
        } catch {
            throw PlatformError(.invalidKey, path: audience, "the JWT assertion cannot be signed")
        }
        return input + "." + Self.base64URL(signature)
    }

    /// Base64url without padding (RFC 7515).
    package static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public var description: String {
        "ClientAssertionKey(\(algorithm), <redacted>)"
    }
}
