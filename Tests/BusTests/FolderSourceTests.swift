import FHIR
import Foundation
import Logging
import ServiceLifecycle
import Store
import Testing
@testable import Bus

/// The watched-folder source: what is stored, where files go, what a crash or a failing store does.
@Suite struct FolderSourceTests {
    let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A temporary store and a watched folder inside its temporary folder.
    struct Fixture {
        let temporary: TemporaryStore
        let inbox: URL

        init() throws {
            temporary = try TemporaryStore()
            inbox = temporary.folder.appendingPathComponent("inbox", isDirectory: true)
            try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        }

        var store: SQLiteStore { temporary.store }

        func write(_ name: String, _ text: String) throws {
            try Data(text.utf8).write(to: inbox.appendingPathComponent(name))
        }

        func exists(_ path: String) -> Bool {
            FileManager.default.fileExists(atPath: inbox.appendingPathComponent(path).path)
        }

        func messages() async throws -> [StoredMessage] {
            try await store.messages(matching: MessageQuery(), after: nil, limit: 100)
        }
    }

    func source(_ fixture: Fixture, _ configuration: FolderSource.Configuration? = nil) -> FolderSource {
        FolderSource(
            channel: "files", configuration: configuration ?? FolderSource.Configuration(folder: fixture.inbox),
            intake: Intake(store: fixture.store, logger: logger),
            fhirIntake: FHIRIntake(store: fixture.store, validator: FHIRIntakeTests.validator, logger: logger), logger: logger)
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func aBatchFileIsStoredMessageByMessageThenMovedToDone() async throws {
        let fixture = try Fixture()
        // LF line ends, a file and a batch envelope, blank lines between messages.
        let messages = ["A1", "A2", "A3"].map { Self.text(hl7("ADT^A01", controlID: $0, patient: "P\($0)")).replacingOccurrences(of: "\r", with: "\n") }
        try fixture.write("batch.hl7", "FHS|^~\\&|HIS\nBHS|^~\\&|HIS\n" + messages.joined(separator: "\n") + "BTS|3\nFTS|1\n")
        let outcomes = await source(fixture).poll()
        #expect(outcomes == ["batch.hl7": .stored(messages: 3)])
        let stored = try await fixture.messages()
        #expect(stored.map(\.header.controlID) == ["A1", "A2", "A3"])
        #expect(stored.allSatisfy { $0.state == .received && $0.channel == "files" })
        #expect(!fixture.exists("batch.hl7"))
        #expect(fixture.exists("done/batch.hl7"))
    }

    @Test func badInputGoesToTheErrorFolderWithAnErrFileAndIsKeptInTheStore() async throws {
        let fixture = try Fixture()
        let good = Self.text(hl7("ORU^R01", controlID: "G1", patient: "P1"))
        try fixture.write("mixed.hl7", good + "MSH\r")
        let outcomes = await source(fixture).poll()
        guard case .refused(let problems)? = outcomes["mixed.hl7"] else {
            Issue.record("expected the file to be refused: \(outcomes)")
            return
        }
        #expect(problems.count == 1)
        #expect(problems.first?.hasPrefix("message 2 of 2") == true, "\(problems)")
        #expect(fixture.exists("error/mixed.hl7"))
        let err = try String(contentsOf: fixture.inbox.appendingPathComponent("error/mixed.hl7.err"), encoding: .utf8)
        #expect(err.contains("message 2 of 2"))
        #expect(!err.contains("P1"), "no patient data in the .err text")
        let stored = try await fixture.messages()
        #expect(stored.map(\.state) == [.received, .rejected])
    }

    @Test func aFHIRFileIsStoredThroughTheFHIRIntakeAndDeletedWhenAsked() async throws {
        let fixture = try Fixture()
        try fixture.write("patient.json", FHIRIntakeTests.patient)
        try fixture.write("notes.txt", "not picked up")
        var configuration = FolderSource.Configuration(folder: fixture.inbox, pattern: "*.json")
        configuration.completion = .delete
        let outcomes = await source(fixture, configuration).poll()
        #expect(outcomes == ["patient.json": .stored(messages: 1)])
        #expect(!fixture.exists("patient.json"))
        #expect(!fixture.exists("done/patient.json"))
        #expect(fixture.exists("notes.txt"))
        let stored = try await fixture.messages()
        #expect(stored.map(\.format) == [.fhirJSON])
    }

    @Test func aFileReadAgainAfterACrashIsNotStoredTwice() async throws {
        let fixture = try Fixture()
        let text = ["C1", "C2"].map { Self.text(hl7("ADT^A08", controlID: $0, patient: "P")) }.joined()
        try fixture.write("again.hl7", text)
        _ = await source(fixture).poll()
        // As if the process died after storing but before moving: the same file is back.
        try fixture.write("again.hl7", text)
        let outcomes = await source(fixture).poll()
        #expect(outcomes == ["again.hl7": .stored(messages: 2)])
        let stored = try await fixture.messages()
        #expect(stored.count == 2)
        #expect(stored.map(\.retransmissionCount) == [1, 1])
        #expect(fixture.exists("done/again.hl7"))
        #expect(fixture.exists("done/again-2.hl7"))
    }

    @Test func whenTheStoreFailsTheFileStays() async throws {
        let fixture = try Fixture()
        try fixture.write("kept.hl7", Self.text(hl7("ADT^A01", controlID: "K1", patient: "P")))
        try fixture.store.close()
        let outcomes = await source(fixture).poll()
        #expect(outcomes == ["kept.hl7": .retryLater])
        #expect(fixture.exists("kept.hl7"))
        #expect(!fixture.exists("done/kept.hl7"))
        #expect(!fixture.exists("error/kept.hl7"))
    }

    @Test func filesBeingWrittenAndFoldersAreLeftAlone() async throws {
        let fixture = try Fixture()
        try fixture.write(".hidden.hl7", "x")
        try fixture.write("partial.hl7.part", "x")
        try fixture.write("partial.tmp", "x")
        #expect(await source(fixture).poll().isEmpty)
    }

    @Test func globsAndSplitting() {
        #expect(FolderSource.matches("adt-001.hl7", pattern: "*.hl7"))
        #expect(FolderSource.matches("adt-001.hl7", pattern: "adt-???.hl7"))
        #expect(!FolderSource.matches("adt-001.json", pattern: "*.hl7"))
        #expect(FolderSource.matches("a.b.c", pattern: "*.*"))
        #expect(FolderSource.matches("anything", pattern: "*"))
        let parts = FolderSource.hl7Messages(in: Array("\u{FEFF}MSH|1\rPID|1\r\r\nMSH|2\nOBX|1\nBTS|2\n\n".utf8))
        #expect(parts.map { Self.text(Array($0)) } == ["MSH|1\rPID|1\r", "MSH|2\nOBX|1\n"])
        #expect(FolderSource.hl7Messages(in: Array("\n\n".utf8)).isEmpty)
    }

    @Test func folderChannelsAreReadFromTheConfiguration() throws {
        let configuration = try BusConfiguration(
            yaml: """
                store: {sqlite: {path: bus.sqlite, retention: 90d}}
                channels:
                  lab-drop:
                    folder: {path: drop, pattern: "*.hl7", poll-interval: 500ms, done: delete, error-folder: bad}
                    deduplication-window: 1h
                    routes: [{destination: out}]
                  fhir-drop:
                    folder: {path: fhir, done: {move-to: archive}}
                destinations:
                  out: {file: {directory: out}}
                """, file: "bus.yaml", baseDirectory: URL(fileURLWithPath: "/srv/bus"), environment: [:])
        let drop = try #require(configuration.channels[0].folder)
        #expect(drop.folder.path == "/srv/bus/drop")
        #expect(drop.pattern == "*.hl7")
        #expect(drop.pollInterval == .milliseconds(500))
        #expect(drop.completion == .delete)
        #expect(drop.errorFolder.path == "/srv/bus/bad")
        #expect(configuration.channels[0].intake.deduplicationWindow == .seconds(3600))
        let fhir = try #require(configuration.channels[1].folder)
        #expect(fhir.completion == .move(to: URL(fileURLWithPath: "/srv/bus/archive", isDirectory: true)))
        #expect(fhir.errorFolder.path == "/srv/bus/fhir/error")
        guard case .sqlite(let store) = configuration.store else {
            Issue.record("expected SQLite")
            return
        }
        #expect(store.retention == .seconds(90 * 86_400))

        #expect(throws: ConfigurationError.self) {
            try BusConfiguration(
                yaml: "channels: {a: {folder: {path: x}}, b: {folder: {path: x}}}\ndestinations: {}", file: "bus.yaml",
                baseDirectory: URL(fileURLWithPath: "/srv/bus"), environment: [:])
        }
        #expect(throws: ConfigurationError.self) {
            try BusConfiguration(
                yaml: "channels: {a: {folder: {path: x, done: keep}}}\ndestinations: {}", file: "bus.yaml",
                baseDirectory: URL(fileURLWithPath: "/srv/bus"), environment: [:])
        }
    }

    @Test func aBusNodeDeliversWhatAFolderChannelPicksUp() async throws {
        let fixture = try Fixture()
        let out = fixture.temporary.folder.appendingPathComponent("out")
        let configuration = BusConfiguration(
            store: .sqlite(fixture.store.configuration),
            channels: [
                ChannelConfiguration(
                    name: "files", source: .folder(FolderSource.Configuration(folder: fixture.inbox, pollInterval: .milliseconds(50))),
                    routes: [Route(destination: "out")])
            ],
            destinations: [DestinationConfiguration(name: "out", endpoint: .file(directory: out))])
        var node = BusNode(configuration: configuration, store: fixture.store, logger: logger)
        node.pollInterval = .milliseconds(50)
        let group = ServiceGroup(services: try node.services(), logger: logger)
        try await withThrowingTaskGroup { tasks in
            tasks.addTask { try await group.run() }
            try fixture.write("one.hl7", Self.text(hl7("ADT^A01", controlID: "E1", patient: "P")))
            let delivered = await eventually {
                ((try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []).count == 1
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            #expect(delivered)
            #expect(fixture.exists("done/one.hl7"))
        }
    }
}
