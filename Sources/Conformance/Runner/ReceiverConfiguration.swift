/// An endpoint the runner runs for the local bus to deliver to (`receivers:` in a manifest):
/// an MLLP listener answering every message with one ACK code, or an HTTP listener answering
/// every request with one status. The bus configuration reaches it through the environment
/// variable `RECEIVER_<NAME>_PORT` (name upper-cased, `-` and `.` as `_`).
public struct ReceiverConfiguration: Sendable, Hashable {
    /// MLLP or HTTP.
    public enum Transport: String, Sendable, Hashable {
        case mllp
        case http
    }

    /// The receiver's name; cases name it in `deliveries`.
    public var name: String
    /// How the bus reaches it.
    public var transport: Transport
    /// The ACK code an MLLP receiver answers (`AA` unless `ack:` says otherwise; `AE` or `AR`
    /// make the destination fail).
    public var ack: String
    /// The status an HTTP receiver answers (200 unless `status:` says otherwise).
    public var status: Int

    /// Creates a receiver.
    public init(name: String, transport: Transport, ack: String = "AA", status: Int = 200) {
        self.name = name
        self.transport = transport
        self.ack = ack
        self.status = status
    }

    init(name: String, node: ManifestNode) throws(ConformanceError) {
        try node.allowKeys(["protocol", "ack", "status"])
        guard let kind = Transport(rawValue: try node.required("protocol").text()) else {
            throw node.error("protocol is mllp or http", key: "\(node.key).protocol")
        }
        self.init(
            name: name, transport: kind, ack: try node.optional("ack")?.text() ?? "AA", status: try node.optional("status")?.int() ?? 200)
    }

    /// The environment variable holding the port: `RECEIVER_<NAME>_PORT`.
    public var portVariable: String {
        "RECEIVER_" + String(name.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }) + "_PORT"
    }
}
