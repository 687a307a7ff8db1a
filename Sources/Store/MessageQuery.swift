public import Foundation

/// Which messages ``MessageStore/messages(matching:after:limit:)`` returns: every set field must
/// match exactly (times: `receivedFrom <= receivedAt < receivedBefore`); unset fields match anything.
///
/// ```swift
/// let query = MessageQuery(state: .routed, messageType: "ADT", patientID: "12345")
/// ```
/// ``description`` leaves the patient ID out.
public struct MessageQuery: Hashable, Sendable, CustomStringConvertible {
    /// The channel the message arrived on.
    public var channel: String?
    /// The message's state.
    public var state: MessageState?
    /// The message type (MSH-9.1).
    public var messageType: String?
    /// The trigger event (MSH-9.2).
    public var triggerEvent: String?
    /// The control ID (MSH-10).
    public var controlID: String?
    /// The sending application (MSH-3).
    public var sendingApplication: String?
    /// The sending facility (MSH-4).
    public var sendingFacility: String?
    /// The patient identifier stored with the message.
    public var patientID: String?
    /// The earliest arrival time (inclusive).
    public var receivedFrom: Date?
    /// The latest arrival time (exclusive).
    public var receivedBefore: Date?

    /// Creates a query; every field defaults to `nil` (match anything).
    public init(
        channel: String? = nil,
        state: MessageState? = nil,
        messageType: String? = nil,
        triggerEvent: String? = nil,
        controlID: String? = nil,
        sendingApplication: String? = nil,
        sendingFacility: String? = nil,
        patientID: String? = nil,
        receivedFrom: Date? = nil,
        receivedBefore: Date? = nil
    ) {
        self.channel = channel
        self.state = state
        self.messageType = messageType
        self.triggerEvent = triggerEvent
        self.controlID = controlID
        self.sendingApplication = sendingApplication
        self.sendingFacility = sendingFacility
        self.patientID = patientID
        self.receivedFrom = receivedFrom
        self.receivedBefore = receivedBefore
    }

    /// The set fields, with the patient ID shown only as `patientID: <redacted>`.
    public var description: String {
        var parts: [String] = []
        if let channel { parts.append("channel: \(channel)") }
        if let state { parts.append("state: \(state)") }
        if let messageType { parts.append("messageType: \(messageType)") }
        if let triggerEvent { parts.append("triggerEvent: \(triggerEvent)") }
        if let controlID { parts.append("controlID: \(controlID)") }
        if let sendingApplication { parts.append("sendingApplication: \(sendingApplication)") }
        if let sendingFacility { parts.append("sendingFacility: \(sendingFacility)") }
        if patientID != nil { parts.append("patientID: <redacted>") }
        if let receivedFrom { parts.append("receivedFrom: \(receivedFrom)") }
        if let receivedBefore { parts.append("receivedBefore: \(receivedBefore)") }
        return "MessageQuery(\(parts.joined(separator: ", ")))"
    }
}
