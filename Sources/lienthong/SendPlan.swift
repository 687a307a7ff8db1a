import HL7v2

/// The messages `lienthong send` sends: every message of the files, `repeatCount` times, with
/// MSH-10 made unique per send when asked (so a receiver's dedupe does not drop repeats).
struct SendPlan: Sendable {
    let messages: [Message]
    let repeatCount: Int
    let uniqueIDs: Bool

    /// The number of sends.
    var count: Int { messages.count * repeatCount }

    /// The message of send `index` (0-based).
    func message(at index: Int) throws -> Message {
        var message = messages[index % messages.count]
        if uniqueIDs {
            try message.setValue("\(message.controlID ?? "LT")-\(index + 1)", at: "MSH-10")
        }
        return message
    }
}
