/// How the facility proves who it is to the platform's OAuth2 token endpoint (client
/// credentials grant): a client secret, or a JWT assertion signed with the facility's private
/// key (`private_key_jwt`, RFC 7523).
///
/// Neither the secret nor the key appears in ``description``.
public struct PlatformCredentials: Sendable, CustomStringConvertible {
    /// How the client authenticates.
    public enum Method: Sendable {
        /// `client_secret_basic`: the client id and secret in an HTTP Basic `Authorization` header.
        case secret(String)
        /// `private_key_jwt`: a short-lived JWT signed with this key as `client_assertion`.
        case privateKey(ClientAssertionKey)
    }

    /// The client id the platform gave the facility.
    public var clientID: String
    /// How the client authenticates.
    public var method: Method
    /// The `scope` asked for, when the platform wants one.
    public var scope: String?

    /// Creates credentials.
    public init(clientID: String, method: Method, scope: String? = nil) {
        self.clientID = clientID
        self.method = method
        self.scope = scope
    }

    public var description: String {
        switch method {
        case .secret: "PlatformCredentials(client-id: \(clientID), secret: <redacted>)"
        case .privateKey(let key): "PlatformCredentials(client-id: \(clientID), private key: \(key.algorithm))"
        }
    }
}
