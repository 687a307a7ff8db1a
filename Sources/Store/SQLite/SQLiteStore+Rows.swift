import Foundation
import GRDB

extension Date {
    /// Microseconds since 1970, the stored form of times.
    var storeMicroseconds: Int64 {
        Int64((timeIntervalSince1970 * 1_000_000).rounded())
    }

    init(storeMicroseconds: Int64) {
        self.init(timeIntervalSince1970: Double(storeMicroseconds) / 1_000_000)
    }
}

extension Duration {
    /// Whole microseconds.
    var storeMicroseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}

extension SQLiteStore {
    static let messageColumns = """
        id, channel, state, rejection, received_at, message_type, trigger_event, control_id,
        sending_application, sending_facility, patient_id, raw, format, retransmissions, key_id
        """

    static let entryColumns = """
        e.id, e.message_id, e.destination, e.ordering_key, e.state, e.enqueued_at, e.available_at,
        e.attempt_count, e.last_error, e.is_replay, e.replay_of, e.replaced_by, e.mapping
        """

    static func header(_ row: Row) -> MessageHeader {
        MessageHeader(
            messageType: row["message_type"],
            triggerEvent: row["trigger_event"],
            controlID: row["control_id"],
            sendingApplication: row["sending_application"],
            sendingFacility: row["sending_facility"],
            patientID: row["patient_id"]
        )
    }

    /// A message row's raw bytes and patient identifier, opened (`rawNeeded` false: the raw bytes
    /// are not returned, but the row is still opened and authenticated).
    static func openedMessage(_ row: Row, _ cipher: BodyCipher, keyColumn: String = "key_id", rawNeeded: Bool = true) throws
        -> (raw: [UInt8], patientID: String?)
    {
        let raw: Data = row["raw"]
        let keyID: String? = row[keyColumn]
        let opened = try cipher.openMessage(
            raw: [UInt8](raw), patientID: row["patient_id"], keyID: keyID,
            binding: BodyCipher.message(channel: row["channel"], receivedAt: row["received_at"], controlID: row["control_id"]))
        return rawNeeded ? opened : ([], opened.patientID)
    }

    static func message(_ row: Row, _ cipher: BodyCipher) throws -> StoredMessage {
        let rejection: String? = row["rejection"]
        let opened = try openedMessage(row, cipher)
        var header = header(row)
        header.patientID = opened.patientID
        return StoredMessage(
            id: MessageID(rawValue: row["id"]),
            channel: row["channel"],
            raw: opened.raw,
            format: MessageFormat(rawValue: row["format"]),
            header: header,
            receivedAt: Date(storeMicroseconds: row["received_at"]),
            state: MessageState(rawValue: row["state"]),
            rejection: rejection.map(RejectionReason.init(rawValue:)),
            retransmissionCount: row["retransmissions"]
        )
    }

    static func entry(_ row: Row) -> QueueEntry {
        let replayOf: Int64? = row["replay_of"]
        let replacedBy: Int64? = row["replaced_by"]
        return QueueEntry(
            id: EntryID(rawValue: row["id"]),
            messageID: MessageID(rawValue: row["message_id"]),
            destination: row["destination"],
            orderingKey: row["ordering_key"],
            state: EntryState(rawValue: row["state"]),
            enqueuedAt: Date(storeMicroseconds: row["enqueued_at"]),
            availableAt: Date(storeMicroseconds: row["available_at"]),
            attemptCount: row["attempt_count"],
            lastError: row["last_error"],
            isReplay: row["is_replay"],
            replayOf: replayOf.map(EntryID.init(rawValue:)),
            replacedBy: replacedBy.map(EntryID.init(rawValue:)),
            mapping: row["mapping"]
        )
    }

    static func attempt(_ row: Row, _ cipher: BodyCipher) throws -> DeliveryAttempt {
        let stored: Data? = row["response"]
        let response = try cipher.open(
            stored.map { [UInt8]($0) }, keyID: row["key_id"], binding: BodyCipher.attempt(entry: row["entry_id"], number: row["number"]))
        let report = AttemptReport(
            startedAt: Date(storeMicroseconds: row["started_at"]),
            duration: .microseconds(row["duration_us"] as Int64),
            responseCode: row["response_code"],
            response: response,
            error: row["error"]
        )
        return DeliveryAttempt(
            entryID: EntryID(rawValue: row["entry_id"]),
            number: row["number"],
            outcome: row["outcome"],
            report: report
        )
    }
}
