import Foundation
import Store

/// What `lienthong queue` prints and does, on a store: kept apart from argument parsing so that
/// tests run it on a temporary store.
struct QueueInspector {
    let store: any MessageStore
    /// Where replays and views of message content are recorded (actor `cli`), when the store
    /// keeps an audit log.
    var auditor: Auditor?

    /// `queue list`: entries per destination and state.
    func depths() async throws -> [String] {
        let depths = try await store.queueDepths()
        guard !depths.isEmpty else { return ["no queue entries"] }
        let states: [EntryState] = [.pending, .leased, .delivered, .deadLettered]
        var rows = [["destination"] + states.map(\.rawValue)]
        for destination in Set(depths.map(\.destination)).sorted() {
            rows.append([destination] + states.map { state in
                String(depths.first { $0.destination == destination && $0.state == state }?.count ?? 0)
            })
        }
        return Self.table(rows)
    }

    /// `queue list DESTINATION`: one line per entry.
    func entries(destination: String, state: EntryState?, after: EntryID?, limit: Int) async throws -> [String] {
        let entries = try await store.entries(destination: destination, state: state, after: after, limit: limit)
        guard !entries.isEmpty else { return ["no entries"] }
        return try await entryTable(entries)
    }

    /// `queue dead-letters`: dead letters with their last error.
    func deadLetters(destination: String?, includingReplayed: Bool, after: EntryID?, limit: Int) async throws -> [String] {
        let entries = try await store.deadLetters(destination: destination, includingReplayed: includingReplayed, after: after, limit: limit)
        guard !entries.isEmpty else { return ["no dead letters"] }
        return try await entryTable(entries)
    }

    /// `queue show ENTRY`: the entry, its message's header and every attempt.
    func show(entry id: EntryID, raw: Bool) async throws -> [String] {
        guard let entry = try await store.entry(id) else { throw CLIError("queue: no entry \(id)") }
        var lines = [
            "entry \(entry.id)  destination \(entry.destination)  state \(entry.state)  attempts \(entry.attemptCount)",
            "enqueued \(Self.time(entry.enqueuedAt))  available \(Self.time(entry.availableAt))",
        ]
        if let key = entry.orderingKey { lines.append("ordering key \(key)") }
        if let mapping = entry.mapping { lines.append("mapping \(mapping)") }
        if let replayOf = entry.replayOf { lines.append("replay of entry \(replayOf)") }
        if let replacedBy = entry.replacedBy { lines.append("replayed as entry \(replacedBy)") }
        if let error = entry.lastError { lines.append("last error: \(error)") }
        let message = try await store.message(entry.messageID)
        if let message {
            let header = message.header
            lines.append(
                "message \(message.id)  channel \(message.channel)  \(header.messageType ?? "?")^\(header.triggerEvent ?? "")  "
                    + "control ID \(header.controlID ?? "-")  from \(header.sendingApplication ?? "-")/\(header.sendingFacility ?? "-")  "
                    + "received \(Self.time(message.receivedAt))")
        }
        let attempts = try await store.attempts(of: id)
        lines.append(attempts.isEmpty ? "no attempts" : "attempts:")
        for attempt in attempts {
            let report = attempt.report
            var line = "  #\(attempt.number) \(Self.time(report.startedAt)) \(attempt.outcome) \(report.responseCode ?? "-") in \(String(format: "%.1f", report.duration.milliseconds)) ms"
            if let error = report.error { line += "  \(error)" }
            lines.append(line)
        }
        if raw, let message {
            try await auditor?.record(.viewMessage, by: .cli, target: "message \(message.id)", detail: "queue show --raw, entry \(id)")
            lines.append("raw message:")
            lines += String(decoding: message.raw, as: UTF8.self).split(whereSeparator: { $0 == "\r" || $0 == "\n" }).map(String.init)
        }
        return lines
    }

    // MARK: Replay

    /// Replays entries (dead letters or delivered ones) as new entries; each one is audited as
    /// `action` (`replay`, or `retry-dead-letters` for `--dead-letters`).
    func replay(entries ids: [EntryID], now: Date = Date(), action: AuditAction = .replay) async throws -> [String] {
        var lines: [String] = []
        for id in ids {
            let new = try await store.replay(entry: id, now: now)
            try await auditor?.record(action, by: .cli, target: "entry \(id)", detail: "new entry \(new)")
            lines.append("entry \(id) → new entry \(new)")
        }
        return lines
    }

    /// Replays every dead letter not replayed yet (of one destination, or all).
    func replayDeadLetters(destination: String?, now: Date = Date()) async throws -> [String] {
        let ids = try await store.unreplayedDeadLetters(destination: destination)
        guard !ids.isEmpty else { return ["no dead letters to replay"] }
        return try await replay(entries: ids, now: now, action: .retryDeadLetters) + ["replayed \(ids.count) dead letters"]
    }

    /// Replays messages (by ID, or every routed message matching a query) to their original
    /// destinations or to one.
    func replay(messages ids: [MessageID], query: MessageQuery?, to target: ReplayTarget, dryRun: Bool, now: Date = Date()) async throws -> [String] {
        var chosen = ids
        var skipped = 0
        if let query {
            var after: MessageID?
            while true {
                let page = try await store.messages(matching: query, after: after, limit: 500)
                for message in page {
                    if message.state == .routed || message.state == .filtered { chosen.append(message.id) } else { skipped += 1 }
                }
                guard let last = page.last else { break }
                after = last.id
            }
        }
        var lines: [String] = []
        if skipped > 0 { lines.append("skipped \(skipped) messages that are rejected or not routed yet") }
        if dryRun { return lines + ["would replay \(chosen.count) messages (--dry-run)"] }
        var created = 0
        for id in chosen {
            let entries = try await store.replay(message: id, to: target, now: now)
            created += entries.count
            let destination =
                switch target {
                case .destination(let name, _): "to \(name)"
                case .originalDestinations: "to its destinations"
                }
            try await auditor?.record(
                .replay, by: .cli, target: "message \(id)", detail: "\(destination): new entries \(entries.map(\.description).joined(separator: ", "))")
            lines.append("message \(id) → entries \(entries.map(\.description).joined(separator: ", "))")
        }
        lines.append("replayed \(chosen.count) messages as \(created) new entries")
        return lines
    }

    // MARK: Formatting

    private func entryTable(_ entries: [QueueEntry]) async throws -> [String] {
        var rows = [["entry", "message", "type", "control ID", "state", "attempts", "enqueued", "last error"]]
        for entry in entries {
            let header = try await store.message(entry.messageID)?.header
            rows.append([
                entry.id.description, entry.messageID.description,
                "\(header?.messageType ?? "?")^\(header?.triggerEvent ?? "")", header?.controlID ?? "-",
                entry.state.rawValue, String(entry.attemptCount), Self.time(entry.enqueuedAt), entry.lastError ?? "",
            ])
        }
        return Self.table(rows)
    }

    static func table(_ rows: [[String]]) -> [String] {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { cell, width in cell.padding(toLength: width, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
    }

    static func time(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
