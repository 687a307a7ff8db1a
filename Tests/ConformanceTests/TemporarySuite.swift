import Conformance
import Foundation
import Logging

/// A suite written into a temporary folder by a test, run with a quiet logger.
struct TemporarySuite {
    let folder: URL

    /// The repository's root (`Tests/ConformanceTests/../..`).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Writes `files` (path → text) into a new folder.
    init(_ files: [String: String]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-test-\(UUID().uuidString)")
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
    }

    func url(_ path: String) -> URL { folder.appendingPathComponent(path) }

    func read(_ path: String) throws -> String { try String(contentsOf: url(path), encoding: .utf8) }

    func write(_ path: String, _ text: String) throws { try Data(text.utf8).write(to: url(path)) }

    /// Loads and runs the suite against `local`.
    func run(jobs: Int = 4, timeout: Duration = .seconds(60), updatesGoldens: Bool = false) async throws -> [CaseResult] {
        let suite = try ConformanceSuite(folder: folder)
        let runner = ConformanceRunner(
            configuration: .init(target: .local, jobs: jobs, timeout: timeout, updatesGoldens: updatesGoldens),
            logger: Logger(label: "conformance-test") { _ in SwiftLogNoOpLogHandler() })
        return try await runner.run([suite])
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }

    /// An ADT^A01 in original mode with the given control ID (segments on lines).
    static func adt(_ controlID: String, type: String = "ADT^A01^ADT_A01") -> String {
        """
        MSH|^~\\&|HIS|BV_TEST|LIENTHONG|SYT_TEST|20261122093000+0700||\(type)|\(controlID)|P|2.5|||||VNM|UNICODE UTF-8
        EVN|A01|20261122093000+0700
        PID|1||BN000123^^^BV_TEST^MR||NGUYEN^VAN A^^^^^L||19850314|M
        PV1|1|I|NOI^P201^G2^BV_TEST

        """
    }
}

extension [CaseResult] {
    subscript(id id: String) -> CaseResult? { first { $0.id == id } }
}
