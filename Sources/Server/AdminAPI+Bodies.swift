import Foundation
import Store

extension AdminAPI {
    /// A channel in `GET /api/channels`.
    struct ChannelSummary: Encodable {
        struct Route: Encodable {
            var destination: String
            var mapping: String?
        }

        var name: String
        /// `mllp`, `fhir` or `folder`.
        var source: String
        /// `host:port`, the FHIR base path or the folder.
        var address: String
        var routes: [Route]
    }

    /// A destination in `GET /api/destinations`.
    struct DestinationSummary: Encodable {
        var name: String
        var kind: String
        var paused: Bool
        var concurrency: Int
        /// Entries by state (`pending`, `leased`, `delivered`, `dead_letter`, …).
        var entries: [String: Int]
        /// How long the oldest pending entry has waited, in seconds; absent when none waits.
        var oldestPendingSeconds: Double?
    }

    /// A message without its content: what a viewer sees.
    struct MessageSummary: Encodable {
        var id: Int64
        var channel: String
        var format: String
        var type: String?
        var event: String?
        var controlID: String?
        var sendingApplication: String?
        var sendingFacility: String?
        var state: String
        var rejection: String?
        var receivedAt: Date
        var retransmissions: Int

        init(_ message: StoredMessage) {
            id = message.id.rawValue
            channel = message.channel
            format = message.format.rawValue
            type = message.header.messageType
            event = message.header.triggerEvent
            controlID = message.header.controlID
            sendingApplication = message.header.sendingApplication
            sendingFacility = message.header.sendingFacility
            state = message.state.rawValue
            rejection = message.rejection.map { "\($0)" }
            receivedAt = message.receivedAt
            retransmissions = message.retransmissionCount
        }
    }

    /// A page of `GET /api/messages`; `next` is the `after` of the next page.
    struct MessagePage: Encodable {
        var messages: [MessageSummary]
        var next: Int64?
    }

    /// Bytes shown: as text when they are UTF-8, else base64.
    struct Content: Encodable {
        var text: String?
        var base64: String?

        init(_ bytes: [UInt8]) {
            if let text = String(validating: bytes, as: UTF8.self) {
                self.text = text
            } else {
                base64 = Data(bytes).base64EncodedString()
            }
        }
    }

    /// One delivery attempt; its response only for operators.
    struct AttemptDetail: Encodable {
        var number: Int
        var outcome: String
        var startedAt: Date
        var durationSeconds: Double
        var responseCode: String?
        var error: String?
        var response: Content?
    }

    /// An entry's own output (a route's mapped payload).
    struct OutputDetail: Encodable {
        var format: String
        var content: Content
    }

    /// One queue entry of a message, with its attempts; its output only for operators.
    struct EntryDetail: Encodable {
        var id: Int64
        var destination: String
        var state: String
        var mapping: String?
        var attemptCount: Int
        var lastError: String?
        var enqueuedAt: Date
        var replayOf: Int64?
        var replacedBy: Int64?
        var output: OutputDetail?
        var attempts: [AttemptDetail]
    }

    /// `GET /api/messages/{id}`: the raw message only for operators.
    struct MessageDetail: Encodable {
        var message: MessageSummary
        var raw: Content?
        var entries: [EntryDetail]
    }

    /// The body of `POST /api/messages/{id}/replay`.
    struct ReplayRequest: Decodable {
        var destination: String?
    }
}
