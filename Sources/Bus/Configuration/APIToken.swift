import Crypto
import Foundation

/// An API token of the admin API, as configured: its name (who uses it, shown in the audit
/// trail), its role, and the SHA-256 of the token (the token itself is never stored).
///
/// Tokens are 256 random bits (``generate()``), so a plain SHA-256 is enough to keep them
/// secret at rest; a token is checked by hashing what the client sends and comparing in
/// constant time.
public struct APIToken: Sendable, Hashable {
    /// The token's name.
    public var name: String
    /// What it may do.
    public var role: AdminRole
    /// The SHA-256 of the token's text, 32 bytes.
    public var digest: [UInt8]

    /// Creates a configured token from its digest.
    public init(name: String, role: AdminRole, digest: [UInt8]) {
        self.name = name
        self.role = role
        self.digest = digest
    }

    /// The digest as 64 lowercase hexadecimal digits (how the configuration file holds it).
    public var hexDigest: String { Self.hex(digest) }

    /// The SHA-256 of `token` in lower-case hex: what a file or a store keeps of a secret.
    public static func hexDigest(of token: String) -> String {
        hex(digest(of: token))
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// Reads 64 hexadecimal digits; `nil` for anything else.
    public static func digest(hex: String) -> [UInt8]? {
        let characters = Array(hex.lowercased().utf8)
        guard characters.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = Self.nibble(characters[index]), let low = Self.nibble(characters[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    static func nibble(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    /// The SHA-256 of a token's text.
    public static func digest(of token: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(token.utf8)))
    }

    /// A new token: `lt_` and 43 base64url characters (256 random bits).
    public static func generate() -> String {
        "lt_" + randomSecret()
    }

    /// 256 random bits as base64url without padding (43 characters): the secret part of a token,
    /// also a dashboard session's cookie value.
    public static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Whether `token` is this one: its digest compared in constant time.
    public func matches(_ token: String) -> Bool {
        let candidate = Self.digest(of: token)
        guard candidate.count == digest.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(candidate, digest) { difference |= left ^ right }
        return difference == 0
    }
}
