import ArgumentParser

@main
struct LienThong: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lienthong",
        abstract: "LienThong — an HL7 v2 / FHIR R4 integration bus.",
        subcommands: [HL7Command.self, SendCommand.self]
    )
}
