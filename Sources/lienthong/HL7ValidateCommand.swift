import ArgumentParser

/// `lienthong hl7 validate FILE…` (placeholder until the validator lands).
struct HL7ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Validate message structure and data types.")
    @Argument var files: [String]
    func run() throws { throw CLIError("not implemented yet") }
}
