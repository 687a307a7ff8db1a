import Foundation
import PostgresNIO
import Store

extension PostgresStore {
    static let messageColumns = """
        id, channel, state, rejection, received_at, message_type, trigger_event, control_id,
        sending_application, sending_facility, patient_id, raw, format, retransmissions, key_id
        """

    static let entryColumns = """
        e.id, e.message_id, e.destination, e.ordering_key, e.state, e.enqueued_at, e.available_at,
        e.attempt_count, e.last_error, e.is_replay, e.replay_of, e.replaced_by, e.mapping
        """

    static func bytes(_ buffer: ByteBuffer) -> [UInt8] {
        Array(buffer.readableBytesView)
    }

    static func header(_ row: PostgresRandomAccessRow) throws -> MessageHeader {
        MessageHeader(
            messageType: try row["message_type"].decode(String?.self),
            triggerEvent: try row["trigger_event"].decode(String?.self),
            controlID: try row["control_id"].decode(String?.self),
            sendingApplication: try row["sending_application"].decode(String?.self),
            sendingFacility: try row["sending_facility"].decode(String?.self),
            patientID: try row["patient_id"].decode(String?.self)
        )
    }

    /// A message row's raw bytes and patient identifier, opened.
    static func openedMessage(_ row: PostgresRandomAccessRow, _ cipher: BodyCipher, keyColumn: String = "key_id") throws
        -> (raw: [UInt8], patientID: String?)
    {
        try cipher.openMessage(
            raw: bytes(try row["raw"].decode(ByteBuffer.self)), patientID: try row["patient_id"].decode(String?.self),
            keyID: try row[keyColumn].decode(String?.self),
            binding: BodyCipher.message(
                channel: try row["channel"].decode(String.self), receivedAt: try row["received_at"].decode(Timestamp.self).microseconds,
                controlID: try row["control_id"].decode(String?.self)))
    }

    static func message(_ row: PostgresRow, _ cipher: BodyCipher) throws -> StoredMessage {
        let row = row.makeRandomAccess()
        let opened = try openedMessage(row, cipher)
        var header = try header(row)
        header.patientID = opened.patientID
        return StoredMessage(
            id: MessageID(rawValue: try row["id"].decode(Int64.self)),
            channel: try row["channel"].decode(String.self),
            raw: opened.raw,
            format: MessageFormat(rawValue: try row["format"].decode(String.self)),
            header: header,
            receivedAt: try row["received_at"].decode(Timestamp.self).date,
            state: MessageState(rawValue: try row["state"].decode(String.self)),
            rejection: try row["rejection"].decode(String?.self).map(RejectionReason.init(rawValue:)),
            retransmissionCount: try row["retransmissions"].decode(Int.self)
        )
    }

    static func entry(_ row: PostgresRow) throws -> QueueEntry {
        try entry(row.makeRandomAccess())
    }

    static func entry(_ row: PostgresRandomAccessRow) throws -> QueueEntry {
        QueueEntry(
            id: EntryID(rawValue: try row["id"].decode(Int64.self)),
            messageID: MessageID(rawValue: try row["message_id"].decode(Int64.self)),
            destination: try row["destination"].decode(String.self),
            orderingKey: try row["ordering_key"].decode(String?.self),
            state: EntryState(rawValue: try row["state"].decode(String.self)),
            enqueuedAt: try row["enqueued_at"].decode(Timestamp.self).date,
            availableAt: try row["available_at"].decode(Timestamp.self).date,
            attemptCount: try row["attempt_count"].decode(Int.self),
            lastError: try row["last_error"].decode(String?.self),
            isReplay: try row["is_replay"].decode(Bool.self),
            replayOf: try row["replay_of"].decode(Int64?.self).map(EntryID.init(rawValue:)),
            replacedBy: try row["replaced_by"].decode(Int64?.self).map(EntryID.init(rawValue:)),
            mapping: try row["mapping"].decode(String?.self)
        )
    }

    /// A lease from a row of the lease statement (the entry after the update, its payload and its message's raw bytes and header).
    static func lease(_ row: PostgresRow, _ cipher: BodyCipher) throws -> Lease {
        let row = row.makeRandomAccess()
        let entry = try entry(row)
        let payload = try row["payload"].decode(ByteBuffer?.self)
        let payloadFormat = try row["payload_format"].decode(String?.self)
        let messageFormat = try row["format"].decode(String.self)
        let message = try openedMessage(row, cipher, keyColumn: "message_key_id")
        var header = try header(row)
        header.patientID = message.patientID
        let body = try payload.map {
            try cipher.open(
                bytes($0), keyID: try row["key_id"].decode(String?.self),
                binding: BodyCipher.entry(message: entry.messageID.rawValue, destination: entry.destination))
        }
        return Lease(
            entry: entry,
            token: try row["lease_count"].decode(Int64.self),
            expiresAt: entry.availableAt,
            payload: body ?? message.raw,
            format: MessageFormat(rawValue: payload == nil ? messageFormat : payloadFormat ?? messageFormat),
            mapping: payload == nil ? entry.mapping : nil,
            header: header
        )
    }

    /// The entry a replay enqueues for a stored entry row (`destination`, `ordering_key`,
    /// `payload`, `payload_format`, `mapping`): same destination, key, payload and mapping.
    static func replayEntry(_ row: PostgresRow, _ cipher: BodyCipher) throws -> RouteEntry {
        let row = row.makeRandomAccess()
        let destination = try row["destination"].decode(String.self)
        let payload = try cipher.open(
            try row["payload"].decode(ByteBuffer?.self).map(bytes), keyID: try row["key_id"].decode(String?.self),
            binding: BodyCipher.entry(message: try row["message_id"].decode(Int64.self), destination: destination))
        return RouteEntry(
            destination: destination,
            orderingKey: try row["ordering_key"].decode(String?.self),
            payload: payload,
            payloadFormat: try row["payload_format"].decode(String?.self).map(MessageFormat.init(rawValue:)),
            mapping: try row["mapping"].decode(String?.self)
        )
    }

    static func attempt(_ row: PostgresRow, _ cipher: BodyCipher) throws -> DeliveryAttempt {
        let row = row.makeRandomAccess()
        let response = try cipher.open(
            try row["response"].decode(ByteBuffer?.self).map(bytes), keyID: try row["key_id"].decode(String?.self),
            binding: BodyCipher.attempt(entry: try row["entry_id"].decode(Int64.self), number: try row["number"].decode(Int.self)))
        let report = AttemptReport(
            startedAt: try row["started_at"].decode(Timestamp.self).date,
            duration: .microseconds(try row["duration_us"].decode(Int64.self)),
            responseCode: try row["response_code"].decode(String?.self),
            response: response,
            error: try row["error"].decode(String?.self)
        )
        return DeliveryAttempt(
            entryID: EntryID(rawValue: try row["entry_id"].decode(Int64.self)),
            number: try row["number"].decode(Int.self),
            outcome: try row["outcome"].decode(String.self),
            report: report
        )
    }
}
