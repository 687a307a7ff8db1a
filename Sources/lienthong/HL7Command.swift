import ArgumentParser

/// `lienthong hl7 …`: parse, validate and acknowledge HL7 v2 messages.
struct HL7Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hl7",
        abstract: "Parse, validate and acknowledge HL7 v2 (ER7) messages.",
        subcommands: [HL7ParseCommand.self, HL7ValidateCommand.self, HL7AckCommand.self]
    )
}
