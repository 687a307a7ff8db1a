import ArgumentParser
import Bus
import Foundation
import Logging
import PostgresStore
import Store

/// `lienthong audit verify|show`
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify and read the audit log (who logged in, viewed, replayed, reloaded).",
        discussion: """
            Reads the audit log of the store named by --config (or the default configuration), or \
            of --store (a SQLite file or a postgres:// URL), next to a running bus or without one. \
            The log is append-only and hash-chained; `verify` finds the first record that was \
            edited, deleted or inserted.
            """,
        subcommands: [Verify.self, Show.self]
    )

    /// Opens the store of the options for one command and runs `body` with its audit log.
    static func withAuditLog<T>(_ options: StoreOptions, _ body: (any AuditLog) async throws -> T) async throws -> T {
        try await options.withStore(command: "audit", mustExist: true) { store in
            guard let log = store as? any AuditLog else { throw CLIError("audit: this store keeps no audit log") }
            return try await body(log)
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the whole chain; exit 0 when intact, 1 naming the first bad record.",
            discussion: """
                Prints `ok: N records, chain intact, last hash H`. Keep H somewhere else: records \
                removed from the end of the log leave a valid (shorter) chain, which only a \
                known last hash reveals.
                """)

        @OptionGroup var options: StoreOptions

        func run() async throws {
            let verification = try await AuditCommand.withAuditLog(options) { log in try await log.verifyAuditChain() }
            let lines = AuditCommand.lines(verification)
            for line in lines { print(line) }
            if !verification.isIntact { throw ExitCode(1) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print audit records, one per line, oldest first.",
            discussion: """
                Each line: sequence, time (UTC), actor, action, target, then the detail after ' — ' \
                and the client's address after 'from'. Example:
                  lienthong audit show --action replay --since 2026-11-20 --limit 20
                """)

        @OptionGroup var options: StoreOptions
        @Option(help: "At most this many records.") var limit = 50
        @Option(help: "Only this action: \(AuditAction.allCases.map(\.rawValue).joined(separator: ", ")).") var action: String?
        @Option(help: "Only this actor (system, cli, user:NAME, token:NAME).") var actor: String?
        @Option(help: "Records at or after this time (ISO 8601 date or date-time).") var since: String?
        @Option(help: "Records before this time (ISO 8601 date or date-time).") var until: String?
        @Option(help: "Records after this sequence number (paging).") var after: Int64?

        func run() async throws {
            guard limit > 0 else { throw ValidationError("--limit must be positive") }
            var query = AuditQuery(actor: actor.map(AuditActor.init(rawValue:)))
            if let action {
                guard let known = AuditAction(rawValue: action) else {
                    throw ValidationError("--action must be one of \(AuditAction.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                query.action = known
            }
            query.from = try since.map { try QueueCommand.date($0, option: "--since") }
            query.before = try until.map { try QueueCommand.date($0, option: "--until") }
            let records = try await AuditCommand.withAuditLog(options) { log in
                try await log.auditRecords(matching: query, after: after, limit: limit)
            }
            if records.isEmpty { print("no audit records") }
            for record in records { print(AuditCommand.line(record)) }
            if records.count == limit, let last = records.last {
                print("… more with --after \(last.sequence)")
            }
        }
    }

    /// What `audit verify` prints.
    static func lines(_ verification: AuditVerification) -> [String] {
        guard let problem = verification.problem else {
            return ["ok: \(verification.recordCount) records, chain intact, last hash \(verification.lastHash ?? "- (empty log)")"]
        }
        return [
            "tampered: \(problem)",
            "\(verification.recordCount) records before it check out; last good hash \(verification.lastHash ?? "-")",
        ]
    }

    /// One line of `audit show`.
    static func line(_ record: AuditRecord) -> String {
        var line = "\(record.sequence)  \(record.time.formatted(.iso8601))  \(record.actor)  \(record.action.rawValue)  \(record.target)"
        if !record.detail.isEmpty { line += " — \(record.detail)" }
        if let client = record.clientAddress { line += "  from \(client)" }
        return line
    }
}
