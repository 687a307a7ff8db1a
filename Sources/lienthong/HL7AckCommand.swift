import ArgumentParser

/// `lienthong hl7 ack FILE` (placeholder until the ACK builder lands).
struct HL7AckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ack", abstract: "Print the acknowledgement for a message.")
    @Argument var file: String
    func run() throws { throw CLIError("not implemented yet") }
}
