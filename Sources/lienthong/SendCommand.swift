import ArgumentParser
import HL7v2
import Logging
import MLLP

/// `lienthong send --to mllp://HOST:PORT FILE…`
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send HL7 v2 messages over MLLP and report acknowledgements and latency.",
        discussion: """
            Sends every message of the files (several per file, '-' for standard input) and \
            checks each acknowledgement (MSA-2 must match MSH-10). Prints the counts of \
            acknowledgement codes and errors and the latency percentiles. With --connections, \
            --rate and --repeat it is the load generator of the benchmarks.
            """
    )

    @Option(help: "The receiver, as mllp://HOST:PORT.")
    var to: String

    @Argument(help: "Files of messages ('-' for standard input).")
    var files: [String]

    @Option(help: "Connections used at once.")
    var connections = 1

    @Option(help: "Messages per second over all connections (default: as fast as acknowledged).")
    var rate: Double?

    @Option(name: .customLong("repeat"), help: "Send the messages this many times.")
    var repeatCount = 1

    @Flag(name: .customLong("unique-ids"), help: "Make MSH-10 unique for every send (adds -N to it).")
    var uniqueIDs = false

    @Option(help: "Seconds to wait for an acknowledgement.")
    var timeout: Double = 30

    @Option(help: "PEM file of the certificate authority that signed the receiver's certificate (turns TLS on).")
    var tlsCA: String?

    @Option(help: "PEM file of this client's certificate chain, for mutual TLS.")
    var tlsCertificate: String?

    @Option(help: "PEM file of this client's private key, for mutual TLS.")
    var tlsKey: String?

    func run() async throws {
        let (host, port) = try Self.parse(to)
        var messages: [Message] = []
        for path in files {
            let input = try InputFile.read(path)
            let interchange = Interchange(parsing: input.bytes)
            for error in interchange.errors { printError("\(input.name): \(error)") }
            messages += interchange.messages
        }
        guard !messages.isEmpty else { throw CLIError("send: the files hold no message") }
        guard connections >= 1, repeatCount >= 1 else { throw CLIError("send: --connections and --repeat must be at least 1") }
        let tls = try tlsCA.map { ca in
            try MLLPTLSConfiguration.client(certificateAuthorityFile: ca, certificateChainFile: tlsCertificate, privateKeyFile: tlsKey, serverHostname: host)
        }
        let logger = Logger(label: "lienthong.send", factory: { _ in SwiftLogNoOpLogHandler() })
        var clients: [MLLPClient] = []
        for _ in 0..<connections {
            clients.append(try MLLPClient(
                configuration: .init(host: host, port: port, responseTimeout: .seconds(timeout), tls: tls), logger: logger))
        }
        let plan = SendPlan(messages: messages, repeatCount: repeatCount, uniqueIDs: uniqueIDs)
        let total = plan.count
        let report = await Sender(plan: plan, clients: clients, rate: rate).run { started in
            printError("sent \(started)/\(total)")
        }
        for client in clients { await client.close() }
        print(report.summary)
        if !report.errors.isEmpty || report.codes.keys.contains(where: { $0 != "AA" && $0 != "CA" }) {
            throw ExitCode(1)
        }
    }

    /// Splits `mllp://HOST:PORT`.
    static func parse(_ address: String) throws -> (host: String, port: Int) {
        guard address.hasPrefix("mllp://") else { throw CLIError("send: --to must look like mllp://HOST:PORT") }
        let rest = address.dropFirst("mllp://".count)
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port) else {
            throw CLIError("send: --to must look like mllp://HOST:PORT")
        }
        return (String(rest[..<colon]), port)
    }
}
