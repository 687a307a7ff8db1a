public import Foundation
public import Logging
public import ServiceLifecycle
import HL7v2
import FHIR
import Store

/// A watched folder as a channel's source: every ``Configuration/pollInterval`` it picks up the
/// files matching ``Configuration/pattern``, stores their messages through the same intake as
/// MLLP (HL7 v2: one message, several, or a batch `FHS`/`BHS`…`BTS`/`FTS`) or FHIR over HTTP
/// (`.json`, `.xml`: one resource or Bundle), and only then moves the file to the done folder
/// (or deletes it).
///
/// A file with a message the intake refuses (unparsable, invalid: answered AE/AR, or 4xx for
/// FHIR) is moved to the error folder, next to a `NAME.err` text that names each problem (the
/// message's position, control ID and error codes, never field values); the refused messages
/// are kept in the store as rejected, the others are stored and routed as usual.
///
/// **Crash safety.** A file leaves the folder only after every message in it is committed.
/// When the store fails, the file stays and is tried again at the next poll. When the process
/// dies in the middle of a file, the file is still there at the next start and is read again
/// from the beginning: the messages already stored are recognised by the channel's
/// deduplication (MSH-3, MSH-4, MSH-10; for FHIR the Bundle's or MessageHeader's identifier)
/// and not routed twice. Files whose name starts with `.` or ends in `.tmp` or `.part` are left
/// alone: writers should write under such a name and rename when done.
public struct FolderSource: Service {
    /// What a watched folder is.
    public struct Configuration: Sendable {
        /// What happens to a file whose messages are stored.
        public enum Completion: Sendable, Hashable {
            /// Moved into this folder.
            case move(to: URL)
            /// Deleted.
            case delete
        }

        /// The folder watched.
        public var folder: URL
        /// File names picked up: a glob with `*` (any run of characters) and `?` (one character).
        public var pattern: String
        /// Time between two looks at the folder.
        public var pollInterval: Duration
        /// What happens to a file once stored.
        public var completion: Completion
        /// Where a file with refused input goes (with its `.err` text).
        public var errorFolder: URL

        /// Creates a configuration: every file (`*`), every second, into `done/` and `error/`
        /// inside the folder.
        public init(folder: URL, pattern: String = "*", pollInterval: Duration = .seconds(1), completion: Completion? = nil, errorFolder: URL? = nil) {
            self.folder = folder
            self.pattern = pattern
            self.pollInterval = pollInterval
            self.completion = completion ?? .move(to: folder.appendingPathComponent("done", isDirectory: true))
            self.errorFolder = errorFolder ?? folder.appendingPathComponent("error", isDirectory: true)
        }
    }

    /// What became of one file.
    public enum FileOutcome: Sendable, Hashable {
        /// Every message stored (or recognised as a retransmission); the file is done.
        case stored(messages: Int)
        /// Some input refused: the file went to the error folder with these problems.
        case refused(problems: [String])
        /// The store failed: the file stays for the next poll.
        case retryLater
    }

    let channel: String
    let configuration: Configuration
    let intake: Intake
    let fhirIntake: FHIRIntake
    let onStored: @Sendable () -> Void
    let logger: Logger

    /// Creates the source of `channel`; `onStored` is called after each file whose messages were stored.
    public init(
        channel: String, configuration: Configuration, intake: Intake, fhirIntake: FHIRIntake, logger: Logger,
        onStored: @escaping @Sendable () -> Void = {}
    ) {
        self.channel = channel
        self.configuration = configuration
        self.intake = intake
        self.fhirIntake = fhirIntake
        self.onStored = onStored
        self.logger = logger
    }

    /// Creates the folder when missing, then polls it until graceful shutdown (the file being
    /// read is finished first).
    public func run() async throws {
        do {
            try FileManager.default.createDirectory(at: configuration.folder, withIntermediateDirectories: true)
        } catch {
            logger.warning("cannot create the watched folder", metadata: ["folder.error": "\(error.localizedDescription)"])
        }
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            await poll()
            do {
                try await gracefulSleep(for: configuration.pollInterval)
            } catch {
                break
            }
        }
        logger.debug("folder source stopped")
    }

    /// One look at the folder: every waiting file, in name order. Returns what became of each.
    @discardableResult
    public func poll() async -> [String: FileOutcome] {
        var outcomes: [String: FileOutcome] = [:]
        for file in waitingFiles() {
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            outcomes[file.lastPathComponent] = await process(file)
        }
        return outcomes
    }

    /// The files to read, in name order.
    func waitingFiles() -> [URL] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: configuration.folder.path)
        } catch {
            logger.warning("cannot list the watched folder", metadata: ["folder.error": "\(error.localizedDescription)"])
            return []
        }
        return names.sorted().compactMap { name in
            guard !name.hasPrefix("."), !name.hasSuffix(".tmp"), !name.hasSuffix(".part"), !name.hasSuffix(".err"),
                Self.matches(name, pattern: configuration.pattern)
            else { return nil }
            let url = configuration.folder.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { return nil }
            return url
        }
    }

    /// Reads, stores and moves one file.
    func process(_ file: URL) async -> FileOutcome {
        let name = file.lastPathComponent
        var metadata: Logger.Metadata = ["hl7.channel": "\(channel)", "folder.file": "\(name)"]
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: file))
        } catch {
            logger.warning("cannot read a file of the watched folder; trying again later", metadata: metadata)
            return .retryLater
        }
        let extensionName = file.pathExtension.lowercased()
        let result: (stored: Int, problems: [String], failed: Bool)
        if extensionName == "json" || extensionName == "xml" {
            result = await storeFHIR(bytes, json: extensionName == "json")
        } else {
            result = await storeHL7(bytes)
        }
        if result.failed {
            logger.error("could not store a file's messages; it stays in the folder and is read again", metadata: metadata)
            return .retryLater
        }
        onStored()
        metadata["folder.messages"] = "\(result.stored)"
        do {
            if result.problems.isEmpty {
                switch configuration.completion {
                case .delete:
                    try FileManager.default.removeItem(at: file)
                case .move(let folder):
                    try Self.move(file, into: folder)
                }
                logger.info("stored the messages of a file", metadata: metadata)
                return .stored(messages: result.stored)
            }
            let moved = try Self.move(file, into: configuration.errorFolder)
            let text = "\(name): \(result.problems.count) problem(s)\n" + result.problems.map { "- \($0)\n" }.joined()
            try Data(text.utf8).write(to: moved.appendingPathExtension("err"), options: .atomic)
            metadata["folder.problems"] = "\(result.problems.count)"
            logger.notice("moved a file with refused input to the error folder", metadata: metadata)
            return .refused(problems: result.problems)
        } catch {
            // Stored but not moved: read again at the next poll, where deduplication recognises it.
            metadata["folder.error"] = "\(error.localizedDescription)"
            logger.error("stored a file's messages but could not move the file", metadata: metadata)
            return .retryLater
        }
    }

    /// Stores the HL7 v2 messages of a file; problems name the message by position and control ID.
    func storeHL7(_ bytes: [UInt8]) async -> (stored: Int, problems: [String], failed: Bool) {
        let messages = Self.hl7Messages(in: bytes)
        guard !messages.isEmpty else { return (0, ["the file holds no HL7 v2 message (no MSH segment)"], false) }
        var problems: [String] = []
        var stored = 0
        for (index, message) in messages.enumerated() {
            let outcome = await intake.receive(Array(message), channel: channel)
            guard outcome.messageID != nil else { return (stored, problems, true) }
            if outcome.code == .aa || outcome.code == .ca {
                stored += 1
                continue
            }
            let parsed = try? Message(outcome.acknowledgment)
            let ack = parsed.flatMap { try? Acknowledgment(parsing: $0) }
            let controlID = ((try? Message(message))?.controlID).map { "control ID \($0)" } ?? "no readable control ID"
            var problem = "message \(index + 1) of \(messages.count) (\(controlID)): answered \(outcome.code.rawValue)"
            if let errors = ack?.errors, !errors.isEmpty {
                problem += ": " + errors.map(\.description).joined(separator: "; ")
            }
            problems.append(problem)
        }
        return (stored, problems, false)
    }

    /// Stores a FHIR file (JSON or XML): one resource or Bundle, as if posted to the channel's base.
    func storeFHIR(_ bytes: [UInt8], json: Bool) async -> (stored: Int, problems: [String], failed: Bool) {
        var interaction = FHIRIntake.Interaction.bundle
        if json, let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any],
            let type = object["resourceType"] as? String, type != "Bundle"
        {
            interaction = .create(type: type)
        }
        let request = FHIRIntake.Request(interaction: interaction, contentType: json ? "application/fhir+json" : "application/fhir+xml", body: bytes)
        let response = await fhirIntake.receive(request, channel: channel)
        if (200..<300).contains(response.status) { return (1, [], false) }
        if response.messageID == nil { return (0, [], true) }
        let issues = response.resource.children(named: "issue").compactMap { issue -> String? in
            guard let severity = issue.child(named: "severity")?.value?.text, severity == "error" || severity == "fatal" else { return nil }
            let diagnostics = issue.child(named: "diagnostics")?.value?.text ?? ""
            let place = (issue.child(named: "expression")?.value?.text).map { " at \($0)" } ?? ""
            return "\(severity)\(place): \(diagnostics)"
        }
        return (0, ["refused with HTTP status \(response.status)" + (issues.isEmpty ? "" : ": " + issues.joined(separator: "; "))], false)
    }

    /// Moves `file` into `folder` (created when missing) under its name, or under
    /// `NAME-2`, `NAME-3`, … when taken. Returns the new location.
    @discardableResult
    static func move(_ file: URL, into folder: URL) throws -> URL {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let base = file.deletingPathExtension().lastPathComponent
        let suffix = file.pathExtension.isEmpty ? "" : ".\(file.pathExtension)"
        var target = folder.appendingPathComponent(file.lastPathComponent)
        var number = 2
        while FileManager.default.fileExists(atPath: target.path) {
            target = folder.appendingPathComponent("\(base)-\(number)\(suffix)")
            number += 1
        }
        try FileManager.default.moveItem(at: file, to: target)
        return target
    }

    /// Whether `name` matches a glob of `*` and `?`.
    static func matches(_ name: String, pattern: String) -> Bool {
        let name = Array(name.unicodeScalars)
        let pattern = Array(pattern.unicodeScalars)
        var n = 0
        var p = 0
        var star: Int? = nil
        var resume = 0
        while n < name.count {
            if p < pattern.count, pattern[p] == "?" || pattern[p] == name[n] {
                n += 1
                p += 1
            } else if p < pattern.count, pattern[p] == "*" {
                star = p
                resume = n
                p += 1
            } else if let star {
                p = star + 1
                resume += 1
                n = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == "*" { p += 1 }
        return p == pattern.count
    }

    /// Splits an HL7 v2 file into its messages' bytes: each starts at an `MSH` segment; batch
    /// and file envelopes (`FHS`, `BHS`, `BTS`, `FTS`) are dropped; blank lines between messages
    /// are trimmed. Segments before the first `MSH` that are not envelopes form a message of
    /// their own (which intake refuses as unparsable, so it is reported).
    static func hl7Messages(in bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var messages: [ArraySlice<UInt8>] = []
        var start: Int? = nil
        var end = 0
        var index = 0
        func close() {
            if let start, end > start { messages.append(bytes[start..<end]) }
            start = nil
        }
        while index < bytes.count {
            // One line: up to and including its CR, LF or CR LF.
            var lineEnd = index
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0D, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            var next = lineEnd
            if next < bytes.count, bytes[next] == 0x0D { next += 1 }
            if next < bytes.count, bytes[next] == 0x0A { next += 1 }
            let line = bytes[index..<lineEnd]
            let blank = line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }
            let id = line.drop { $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }.prefix(3)
            if blank {
                // Kept inside a message only when more segments follow (trimmed at close).
            } else if ["FHS", "BHS", "BTS", "FTS"].contains(where: { id.elementsEqual($0.utf8) }) {
                close()
            } else {
                if id.elementsEqual("MSH".utf8) { close() }
                if start == nil { start = index + (line.count - line.drop { $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }.count) }
                end = next
            }
            index = next == lineEnd ? lineEnd + 1 : next
        }
        close()
        return messages
    }
}
