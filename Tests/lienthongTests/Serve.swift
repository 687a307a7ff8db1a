import Foundation
import HL7v2
import Logging
import MLLP
import ProcessTesting
import Testing

/// `lienthong serve` run by a test, and what such tests share: finding a listener's port in
/// what serve printed, an MLLP client, an ADT^A01 to send.
enum Serve {
    /// Starts `lienthong serve --config config` with `--log-level level`.
    static func start(config: URL, logLevel: String = "notice", environment: [String: String] = [:]) throws -> ChildProcess {
        try ChildProcess(
            try CrashTests.executable(), ["serve", "--config", config.path, "--log-level", logLevel], environment: environment)
    }

    /// Waits for serve's `listening: …` line that begins with `prefix` (serve prints them in any
    /// order) and returns its last word: the address.
    static func address(_ prefix: String, of serve: ChildProcess) async throws -> String {
        let printed = await serve.eventually { !$0.lines(prefixed: prefix).isEmpty }
        let line = try #require(
            printed ? serve.lines(prefixed: prefix).first : nil,
            "no line \(prefix.debugDescription): serve printed \(serve.output.debugDescription), logged \(serve.errors.suffix(2000).debugDescription)")
        return String(line.split(separator: " ").last ?? "")
    }

    /// The port at the end of the `listening: …` line that begins with `prefix`.
    static func port(_ prefix: String, of serve: ChildProcess) async throws -> Int {
        let address = try await address(prefix, of: serve)
        return try #require(Int(address.split(separator: ":").last ?? ""), "not a port at the end of \(address.debugDescription)")
    }

    /// An MLLP client of 127.0.0.1:`port` that logs nothing.
    static func client(port: Int) throws -> MLLPClient {
        try MLLPClient(
            configuration: .init(host: "127.0.0.1", port: port, connectTimeout: .seconds(30), responseTimeout: .seconds(60)),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    /// An ADT^A01 of patient NGUYEN^AN with `controlID`.
    static func admission(_ controlID: String) throws -> Message {
        try Message(
            "MSH|^~\\&|HIS|BV_A|BUS|SYT|20261122093000||ADT^A01^ADT_A01|\(controlID)|P|2.5\rEVN||20261122093000\r"
                + "PID|1||P1^^^BV_A^MR||NGUYEN^AN||19800101|F\rPV1|1|I\r")
    }

    /// Stops serve with SIGTERM and returns its exit status.
    static func stop(_ serve: ChildProcess) async -> Int32 {
        serve.signal(SIGTERM)
        return await serve.exit()
    }

    /// Waits (up to 60 s, checking every 100 ms) until `condition` holds; whether it did.
    static func eventually(_ condition: () throws -> Bool) async rethrows -> Bool {
        try await ProcessTesting.eventually(timeout: .seconds(60), condition)
    }
}
