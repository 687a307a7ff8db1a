import Foundation

/// A JSON object the gateway answered with, read leniently: codes and numbers may come as
/// strings or as JSON numbers.
public struct GatewayReply: Sendable {
    /// The members, as Foundation's JSON reader returns them, with their text kept.
    package let members: [String: String]
    let object: [String: any Sendable]

    /// Reads a JSON object; `nil` when the bytes are not one.
    public init?(json bytes: some Collection<UInt8>) {
        guard let value = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]),
            let object = value as? [String: Any]
        else { return nil }
        var members: [String: String] = [:]
        var kept: [String: any Sendable] = [:]
        for (key, value) in object {
            if let text = Self.text(value) { members[key] = text }
            kept[key] = Self.sendable(value)
        }
        self.members = members
        self.object = kept
    }

    /// A member's text (a string, or a number or boolean written out); `nil` when absent, null or a container.
    public subscript(_ key: String) -> String? {
        members[key]
    }

    /// A member that is an object.
    public func object(_ key: String) -> GatewayReply? {
        guard let value = object[key] as? [String: any Sendable] else { return nil }
        return GatewayReply(values: value)
    }

    /// A member that is a list of objects (empty when absent).
    public func list(_ key: String) -> [GatewayReply] {
        guard let values = object[key] as? [any Sendable] else { return [] }
        return values.compactMap { value in (value as? [String: any Sendable]).map { GatewayReply(values: $0) } }
    }

    /// `maKetQua`.
    public var resultCode: GatewayResultCode? {
        self["maKetQua"].map { GatewayResultCode($0) }
    }

    private init(values: [String: any Sendable]) {
        var members: [String: String] = [:]
        for (key, value) in values {
            if let text = Self.text(value) { members[key] = text }
        }
        self.members = members
        self.object = values
    }

    private static func text(_ value: Any) -> String? {
        switch value {
        case let text as String: return text
        case let number as NSNumber: return number.stringValue
        default: return nil
        }
    }

    private static func sendable(_ value: Any) -> any Sendable {
        switch value {
        case let text as String: return text
        case let number as NSNumber: return number.stringValue
        case let list as [Any]: return list.map(sendable)
        case let object as [String: Any]: return object.mapValues(sendable)
        default: return ""
        }
    }
}
