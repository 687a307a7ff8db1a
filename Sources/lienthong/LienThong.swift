import ArgumentParser
import NIOCore
import NIOPosix

@main
struct LienThong: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lienthong",
        abstract: "LienThong — an HL7 v2 / FHIR R4 integration bus.",
        subcommands: [ServeCommand.self, SendCommand.self, QueueCommand.self, HL7Command.self, FHIRCommand.self, MapCommand.self, ClaimsCommand.self, ConfigCommand.self, AdminCommand.self, SimCommand.self, ConformanceCommand.self, AuditCommand.self, StoreCommand.self]
    )

    static func main() async {
        // Swift Concurrency's jobs run on NIO's event loop threads, so a message goes from the
        // socket to intake and back without switching threads (the async `main` starts on the
        // main thread, before any job is enqueued, as this requires).
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        await Self.main(nil)
    }
}
