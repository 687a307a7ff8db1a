/// The header facts of a message that the store keeps in their own columns, extracted by the caller.
///
/// Every field is optional because rejected input may lack any of them. The store never logs
/// ``patientID`` (it is for search only) and ``description`` leaves it out.
public struct MessageHeader: Hashable, Sendable, CustomStringConvertible {
    /// The message type, e.g. `ADT` (MSH-9.1).
    public var messageType: String?
    /// The trigger event, e.g. `A01` (MSH-9.2).
    public var triggerEvent: String?
    /// The message control ID (MSH-10); with the sender it identifies retransmissions.
    public var controlID: String?
    /// The sending application (MSH-3).
    public var sendingApplication: String?
    /// The sending facility (MSH-4).
    public var sendingFacility: String?
    /// The patient identifier (e.g. PID-3.1), for search only; never logged.
    public var patientID: String?

    /// Creates a header; every field defaults to `nil`.
    public init(
        messageType: String? = nil,
        triggerEvent: String? = nil,
        controlID: String? = nil,
        sendingApplication: String? = nil,
        sendingFacility: String? = nil,
        patientID: String? = nil
    ) {
        self.messageType = messageType
        self.triggerEvent = triggerEvent
        self.controlID = controlID
        self.sendingApplication = sendingApplication
        self.sendingFacility = sendingFacility
        self.patientID = patientID
    }

    /// The type, event and control ID only, e.g. `ADT^A01 control ID 123` (no patient data).
    public var description: String {
        "\(messageType ?? "?")^\(triggerEvent ?? "?") control ID \(controlID ?? "?")"
    }
}
