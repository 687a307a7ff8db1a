import ArgumentParser

@main
struct LienThong: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lienthong",
        abstract: "LienThong — an HL7 v2 / FHIR R4 integration bus.",
        subcommands: [ServeCommand.self, SendCommand.self, QueueCommand.self, HL7Command.self]
    )
}
