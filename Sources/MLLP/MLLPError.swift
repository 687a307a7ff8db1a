/// An error from the MLLP client or server.
///
/// The ``description`` names the failure, the peer and the message's control ID, never message
/// content; the underlying error, if any, is in ``cause`` (and in ``debugDescription``).
///
/// ```swift
/// do { let ack = try await client.send(message) }
/// catch let error as MLLPError where error.code == .responseTimeout { … retry later … }
/// ```
public struct MLLPError: Error, CustomStringConvertible, CustomDebugStringConvertible {
    /// What went wrong. Open set: new codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name, e.g. `connectTimeout`.
        public let name: String

        private init(_ name: String) { self.name = name }

        /// The connection could not be established (refused, unreachable, TLS handshake failed…).
        public static let connectFailed = Code("connectFailed")
        /// The connection was not established within the connect timeout.
        public static let connectTimeout = Code("connectTimeout")
        /// No response frame arrived within the response timeout; the connection was closed.
        public static let responseTimeout = Code("responseTimeout")
        /// The connection was closed (or failed) before the response arrived.
        public static let connectionClosed = Code("connectionClosed")
        /// The response's MSA-2 does not equal the MSH-10 of the message sent.
        public static let ackMismatch = Code("ackMismatch")
        /// The response could not be read as an HL7 acknowledgment.
        public static let invalidAck = Code("invalidAck")
        /// A frame (sent or received) is larger than the configured limit.
        public static let frameTooLarge = Code("frameTooLarge")
        /// The TLS configuration could not be loaded (PEM files, keys).
        public static let tlsConfiguration = Code("tlsConfiguration")

        /// The code's name.
        public var description: String { name }
    }

    /// What went wrong.
    public var code: Code
    /// The peer, as `host:port`, when known.
    public var peer: String?
    /// MSH-10 of the message concerned, when known.
    public var controlID: String?
    /// For ``Code/ackMismatch``: MSA-2 of the response received.
    public var acknowledgedControlID: String?
    /// The underlying error, when there is one. Its text may be more detailed than ours.
    public var cause: (any Error)?

    /// Creates an error.
    public init(
        _ code: Code, peer: String? = nil, controlID: String? = nil, acknowledgedControlID: String? = nil,
        cause: (any Error)? = nil
    ) {
        self.code = code
        self.peer = peer
        self.controlID = controlID
        self.acknowledgedControlID = acknowledgedControlID
        self.cause = cause
    }

    /// The code, the peer and the control IDs involved; no message content.
    public var description: String {
        var text = "MLLPError.\(code)"
        var details: [String] = []
        if let peer { details.append("peer \(peer)") }
        if let controlID { details.append("control ID \(controlID)") }
        if let acknowledgedControlID { details.append("acknowledged control ID \(acknowledgedControlID)") }
        if let cause { details.append("cause \(type(of: cause))") }
        if !details.isEmpty { text += " (" + details.joined(separator: ", ") + ")" }
        return text
    }

    /// The description plus the underlying error's own text.
    public var debugDescription: String {
        guard let cause else { return description }
        return description + ": \(String(reflecting: cause))"
    }
}
