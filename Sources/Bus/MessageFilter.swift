public import HL7v2
public import Store

/// Which messages a channel takes: by message type and event, by sending facility, and by
/// conditions on values. Every part that is set must match.
///
/// ```swift
/// let filter = try MessageFilter(types: ["ADT^A01", "ADT^A04", "ORU"], conditions: ["PID-8 = F"])
/// filter.matches(message)
/// ```
public struct MessageFilter: Hashable, Sendable {
    /// `TYPE` or `TYPE^EVENT` patterns, `*` matching anything in either part; empty = all.
    public var types: [String]
    /// MSH-4.1 values; empty = all.
    public var sendingFacilities: [String]
    /// Conditions that must all hold.
    public var conditions: [FilterCondition]

    /// A filter that takes every message.
    public static let all = MessageFilter(types: [], sendingFacilities: [], conditions: [] as [FilterCondition])

    /// Creates a filter from parsed conditions.
    public init(types: [String] = [], sendingFacilities: [String] = [], conditions: [FilterCondition]) {
        self.types = types
        self.sendingFacilities = sendingFacilities
        self.conditions = conditions
    }

    /// Creates a filter, parsing conditions written as text (`PID-8 = F`).
    public init(types: [String] = [], sendingFacilities: [String] = [], conditions: [String] = []) throws(FilterError) {
        var parsed: [FilterCondition] = []
        for condition in conditions { parsed.append(try FilterCondition(condition)) }
        self.init(types: types, sendingFacilities: sendingFacilities, conditions: parsed)
    }

    /// Whether the message passes the filter.
    public func matches(_ message: Message) -> Bool {
        if !types.isEmpty {
            let type = message.messageType ?? ""
            let event = message.triggerEvent ?? ""
            guard types.contains(where: { Self.pattern($0, matchesType: type, event: event) }) else { return false }
        }
        if !sendingFacilities.isEmpty {
            guard let facility = message.sendingFacility, sendingFacilities.contains(facility) else { return false }
        }
        return conditions.allSatisfy { $0.matches(message) }
    }

    /// Whether a message with this stored header passes the types and sending facilities of the
    /// filter. Conditions read HL7 v2 fields, so a filter with conditions takes no such message
    /// (a FHIR resource, say); configurations keep conditions to HL7 v2 channels.
    public func matches(header: MessageHeader) -> Bool {
        guard conditions.isEmpty else { return false }
        if !types.isEmpty {
            let type = header.messageType ?? ""
            let event = header.triggerEvent ?? ""
            guard types.contains(where: { Self.pattern($0, matchesType: type, event: event) }) else { return false }
        }
        if !sendingFacilities.isEmpty {
            guard let facility = header.sendingFacility, sendingFacilities.contains(facility) else { return false }
        }
        return true
    }

    static func pattern(_ pattern: String, matchesType type: String, event: String) -> Bool {
        let parts = pattern.split(separator: "^", maxSplits: 1, omittingEmptySubsequences: false)
        let typePattern = parts[0]
        guard typePattern == "*" || typePattern == type else { return false }
        guard parts.count == 2 else { return true }
        return parts[1] == "*" || parts[1] == event
    }
}
