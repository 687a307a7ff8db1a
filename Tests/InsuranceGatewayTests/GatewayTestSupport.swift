import Foundation
import InsuranceGateway
import InsuranceGatewaySimulator
import InsuranceVN
import Logging
import Synchronization
import Testing

/// Fixtures, a simulator around a test, and a log handler that keeps what is logged.
enum GatewayTestSupport {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("InsuranceVNTests/Fixtures")

    static let credentials = GatewayCredentials(username: "79001_BV", password: "mật-khẩu-thử")

    /// The outpatient fixture tables.
    static func documents() throws -> [ClaimTableDocument] {
        try [("outpatient-xml1.xml", "XML1"), ("outpatient-xml2.xml", "XML2"), ("outpatient-xml3.xml", "XML3")].map { file, table in
            try ClaimTableDocument(
                xml: try Data(contentsOf: fixtures.appendingPathComponent(file)), table: try #require(ClaimDefinitions.standard[table]))
        }
    }

    /// The outpatient fixture as an envelope; `broken` changes a drug's quantity so that its amounts no longer add up.
    static func envelope(broken: Bool = false) throws -> Data {
        var documents = try documents()
        if broken { try documents[1].records[0].setText("99", for: "SO_LUONG") }
        return try ClaimEnvelope(facilityCode: "79001", date: try #require(ClaimDate("20240315")), documents: documents).xml()
    }

    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func simulator(refusedTokenStatus: Int = 401, storage: URL? = nil) -> InsuranceGatewaySimulator {
        InsuranceGatewaySimulator(
            configuration: .init(credentials: credentials, storageDirectory: storage, refusedTokenStatus: refusedTokenStatus), logger: quiet)
    }

    static func client(_ url: URL, password: String? = nil, timeout: Duration = .seconds(10), logger: Logger = quiet) -> InsuranceGatewayClient {
        let credentials = GatewayCredentials(username: credentials.username, password: password ?? credentials.password)
        return InsuranceGatewayClient(configuration: .init(url: url, credentials: credentials, timeout: timeout), logger: logger)
    }
}

/// Keeps every log line with its metadata, at every level.
final class LogRecorder: Sendable {
    let lines = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "recorded", factory: { _ in Handler(recorder: self) })
        logger.logLevel = .trace
        return logger
    }

    var text: String { lines.withLock { $0.joined(separator: "\n") } }

    struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            let entry = "\(event.level) \(event.message) \(merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))"
            recorder.lines.withLock { $0.append(entry) }
        }
    }
}
