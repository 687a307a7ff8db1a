import ArgumentParser
import Foundation
import HL7v2
import Logging
import MLLP
import NIOCore
import ServiceLifecycle
import Synchronization
import UnixSignals

/// `lienthong sim …`: stand-ins for the systems around the bus, for tests, demos and benchmarks.
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Simulated peers for tests, demos and benchmarks.",
        subcommands: [MLLPReceiver.self, SimInsuranceGatewayCommand.self, SimFHIRServerCommand.self, SimEPrescriptionCommand.self]
    )

    /// `lienthong sim mllp-receiver --port P`
    struct MLLPReceiver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mllp-receiver",
            abstract: "A receiving HL7 system: acknowledges every message it gets over MLLP and counts them.",
            discussion: """
                Prints 'listening: mllp://HOST:PORT' when ready, and with --report-every a line \
                'received N' at that interval. Nothing is stored. Stops on SIGTERM or SIGINT and \
                prints the total.
                """
        )

        @Option(help: "The address to listen on.") var host = "127.0.0.1"
        @Option(help: "The port (0 picks a free one).") var port = 2576
        @Option(help: "The acknowledgement code: AA, AE or AR (CA, CE, CR in enhanced mode).") var code = "AA"
        @Option(help: "Seconds between 'received N' lines; 0 for none.") var reportEvery: Double = 0

        func run() async throws {
            let ackCode = Acknowledgment.Code(rawValue: code.uppercased())
            guard ["AA", "AE", "AR", "CA", "CE", "CR"].contains(ackCode.rawValue) else {
                throw ValidationError("--code must be one of AA, AE, AR, CA, CE, CR")
            }
            let logger = Logger(label: "lienthong.sim", factory: { _ in SwiftLogNoOpLogHandler() })
            let received = Counter()
            let server = MLLPServer(
                configuration: .init(host: host, port: port, idleTimeout: nil),
                logger: logger,
                onListening: { address in
                    let line = "listening: mllp://\(address.ipAddress ?? host):\(address.port ?? port)\n"
                    FileHandle.standardOutput.write(Data(line.utf8))
                },
                handler: { request in
                    received.value.add(1, ordering: .relaxed)
                    guard let message = try? Message(request.payload.readableBytesView) else {
                        let error = ParseError(.emptyInput, at: Location(), "not an HL7 message")
                        return ByteBuffer(bytes: Message.acknowledgment(forUnparsable: request.payload.readableBytesView, error: error).encoded())
                    }
                    return ByteBuffer(bytes: message.acknowledgment(code: ackCode).encoded())
                }
            )
            let group = ServiceGroup(
                configuration: .init(services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await withThrowingTaskGroup { tasks in
                tasks.addTask { try await group.run() }
                if reportEvery > 0 {
                    tasks.addTask {
                        while !Task.isCancelled {
                            try await Task.sleep(for: .seconds(reportEvery))
                            FileHandle.standardOutput.write(Data("received \(received.value.load(ordering: .relaxed))\n".utf8))
                        }
                    }
                }
                try await tasks.next()
                tasks.cancelAll()
            }
            FileHandle.standardOutput.write(Data("received \(received.value.load(ordering: .relaxed)) in total\n".utf8))
        }
    }
}

/// A count shared by tasks.
final class Counter: Sendable {
    let value = Atomic<Int>(0)
}
