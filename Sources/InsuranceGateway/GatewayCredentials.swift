import Crypto
import Foundation

/// The account a facility was given for the insurance gateway.
///
/// The gateway never receives the password itself: token requests and submissions carry its
/// MD5 digest in upper-case hex (``passwordHash``), as public clients send it. Neither the
/// password nor the digest appears in ``description``, so credentials can be passed to logging
/// and error text without leaking.
public struct GatewayCredentials: Hashable, Sendable, CustomStringConvertible {
    /// The account name (`username`).
    public var username: String
    /// The password, in clear.
    public var password: String

    /// Creates credentials.
    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// The MD5 digest of the password's UTF-8 bytes, upper-case hex (`passwordHash`).
    public var passwordHash: String {
        Self.md5Hex(password)
    }

    /// The MD5 digest of a text's UTF-8 bytes, upper-case hex.
    package static func md5Hex(_ text: String) -> String {
        Insecure.MD5.hash(data: Data(text.utf8)).map { byte in
            let hex = String(byte, radix: 16, uppercase: true)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    public var description: String {
        "GatewayCredentials(username: <redacted>, password: <redacted>)"
    }
}
