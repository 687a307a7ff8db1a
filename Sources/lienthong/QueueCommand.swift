import ArgumentParser
import Bus
import Foundation
import Logging
import Store

/// `lienthong queue list|show|dead-letters|replay`
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "Inspect the destinations' queues and replay messages or dead letters.",
        discussion: """
            Reads (and for replay, writes) the store named by the configuration, next to a \
            running bus or without one. A replay adds new entries; the history of the old ones \
            is kept.
            """,
        subcommands: [List.self, Show.self, DeadLetters.self, Replay.self]
    )

    /// Opens the store of `--config` (or the default one) for one command.
    static func withInspector(_ options: BusOptions, _ body: (QueueInspector) async throws -> [String]) async throws {
        let logger = Logger(label: "lienthong.queue", factory: { _ in SwiftLogNoOpLogHandler() })
        let configuration = try options.load()
        if case .sqlite(let sqlite) = configuration.store, !FileManager.default.fileExists(atPath: sqlite.path) {
            throw CLIError("queue: no store at \(sqlite.path) (run the bus first, or name its configuration with --config)")
        }
        let opened = try options.openStore(configuration, logger: logger)
        defer { try? opened.close() }
        let lines = try await opened.withRunning { store in try await body(QueueInspector(store: store, auditor: Auditor(store: store))) }
        for line in lines { print(line) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Entries per destination and state; with a destination, its entries.")

        @OptionGroup var options: BusOptions
        @Argument(help: "A destination: list its entries.") var destination: String?
        @Option(help: "Only entries in this state: pending, leased, delivered or dead_letter.") var state: String?
        @Option(help: "Entries after this entry ID (paging).") var after: Int64?
        @Option(help: "At most this many entries.") var limit = 50

        func run() async throws {
            try await QueueCommand.withInspector(options) { inspector in
                guard let destination else { return try await inspector.depths() }
                return try await inspector.entries(
                    destination: destination, state: try state.map(QueueCommand.entryState), after: after.map { EntryID(rawValue: $0) }, limit: limit)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One entry: its message's header and every delivery attempt.")

        @OptionGroup var options: BusOptions
        @Argument(help: "The entry ID.") var entry: Int64
        @Flag(help: "Also print the raw message (it holds patient data).") var raw = false

        func run() async throws {
            try await QueueCommand.withInspector(options) { inspector in
                try await inspector.show(entry: EntryID(rawValue: entry), raw: raw)
            }
        }
    }

    struct DeadLetters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "dead-letters", abstract: "Dead letters with their last error.")

        @OptionGroup var options: BusOptions
        @Option(help: "Only this destination's.") var destination: String?
        @Flag(help: "Include dead letters already replayed.") var all = false
        @Option(help: "Entries after this entry ID (paging).") var after: Int64?
        @Option(help: "At most this many entries.") var limit = 50

        func run() async throws {
            try await QueueCommand.withInspector(options) { inspector in
                try await inspector.deadLetters(destination: destination, includingReplayed: all, after: after.map { EntryID(rawValue: $0) }, limit: limit)
            }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliver again: entries, dead letters, messages by ID or by query.",
            discussion: """
                Examples:
                  lienthong queue replay --entry 42
                  lienthong queue replay --dead-letters --destination lis
                  lienthong queue replay --message 1001 --to archive
                  lienthong queue replay --type ORU --event R01 --since 2026-11-20 --until 2026-11-21T12:00:00Z --dry-run
                """)

        @OptionGroup var options: BusOptions
        @Option(help: "An entry to deliver again (repeatable).") var entry: [Int64] = []
        @Flag(help: "Every dead letter not replayed yet (with --destination: only its).") var deadLetters = false
        @Option(help: "A message to deliver again (repeatable).") var message: [Int64] = []
        @Option(help: "With --dead-letters: only this destination's.") var destination: String?
        @Option(help: "Messages of this channel.") var channel: String?
        @Option(help: "Messages of this type (MSH-9.1).") var type: String?
        @Option(help: "Messages of this trigger event (MSH-9.2).") var event: String?
        @Option(help: "The message with this control ID (MSH-10).") var controlID: String?
        @Option(help: "Messages from this sending facility (MSH-4).") var facility: String?
        @Option(help: "Messages received at or after this time (ISO 8601 date or date-time).") var since: String?
        @Option(help: "Messages received before this time (ISO 8601 date or date-time).") var until: String?
        @Option(help: "Deliver messages to this destination only (default: the destinations they went to).") var to: String?
        @Flag(help: "Count what would be replayed; change nothing.") var dryRun = false

        func run() async throws {
            let query = try self.query()
            let byEntry = !entry.isEmpty || deadLetters
            let byMessage = !message.isEmpty || query != nil
            guard byEntry != byMessage else {
                throw ValidationError("name entries (--entry, --dead-letters) or messages (--message, or a query such as --type), not both")
            }
            guard to == nil || byMessage else { throw ValidationError("--to goes with messages; an entry is replayed to its own destination") }
            try await QueueCommand.withInspector(options) { inspector in
                if byEntry {
                    guard !dryRun else { throw ValidationError("--dry-run goes with a query") }
                    var lines = try await inspector.replay(entries: entry.map { EntryID(rawValue: $0) })
                    if deadLetters { lines += try await inspector.replayDeadLetters(destination: destination) }
                    return lines
                }
                let target: ReplayTarget = to.map { .destination($0) } ?? .originalDestinations
                return try await inspector.replay(messages: message.map { MessageID(rawValue: $0) }, query: query, to: target, dryRun: dryRun)
            }
        }

        func query() throws -> MessageQuery? {
            guard channel != nil || type != nil || event != nil || controlID != nil || facility != nil || since != nil || until != nil else {
                return nil
            }
            return MessageQuery(
                channel: channel, messageType: type, triggerEvent: event, controlID: controlID, sendingFacility: facility,
                receivedFrom: try since.map { try QueueCommand.date($0, option: "--since") },
                receivedBefore: try until.map { try QueueCommand.date($0, option: "--until") })
        }
    }

    static func entryState(_ text: String) throws -> EntryState {
        let states: [EntryState] = [.pending, .leased, .delivered, .deadLettered]
        guard let state = states.first(where: { $0.rawValue == text || ($0 == .deadLettered && text == "dead-letter") }) else {
            throw ValidationError("--state must be one of pending, leased, delivered, dead_letter")
        }
        return state
    }

    /// An ISO 8601 date (`2026-11-20`, midnight UTC) or date-time (`2026-11-20T08:30:00Z`, `…+07:00`).
    static func date(_ text: String, option: String) throws -> Date {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: .iso8601.year().month().day().dateSeparator(.dash)) { return date }
        throw ValidationError("\(option) must be an ISO 8601 date (2026-11-20) or date-time (2026-11-20T08:30:00Z)")
    }
}
