import ArgumentParser
import Foundation
import InsuranceGateway

/// `lienthong claims check-card CARD --name NAME --birth DATE --gateway URL`
struct ClaimsCheckCardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-card",
        abstract: "Check a health insurance card with the gateway (KQNhanLichSuKCB2024).",
        discussion: """
            Prints the gateway's code and its meaning (000 valid card, 010 expired, 051 wrong card \
            number, 052 wrong province, 053 wrong benefit level, 060 wrong name, 070 wrong birth date, \
            110 revoked, …) and, when the gateway names them, the card's validity, registered facility \
            and new card number. Exit status 0 for a valid card, 1 otherwise.
            """
    )

    @OptionGroup var options: GatewayOptions

    @Argument(help: "The card number (maThe, 15 characters).")
    var card: String

    @Option(help: "The holder's full name.")
    var name: String

    @Option(help: "The holder's birth date: dd/MM/yyyy, yyyyMMdd or yyyy.")
    var birth: String

    @Option(help: "The name of the officer asking (hoTenCb).")
    var officerName = ""

    @Option(help: "The citizen ID of the officer asking (cccdCb).")
    var officerID = ""

    func run() async throws {
        let client = try options.client()
        let result: CardCheckResult
        do {
            result = try await client.checkCard(
                CardCheckRequest(cardNumber: card, name: name, birthDate: Self.gatewayDate(birth), officerName: officerName, officerID: officerID))
        } catch {
            throw CLIError("check-card: \(error)")
        }
        print("\(result.code) \(result.code.meaning ?? "unknown code")" + (result.note.map { " (\($0))" } ?? ""))
        if result.validFrom != nil || result.validTo != nil {
            print("valid from \(result.validFrom ?? "-") to \(result.validTo ?? "-")")
        }
        if let facility = result.registeredFacility { print("registered at \(facility)") }
        if let new = result.newCardNumber { print("new card \(new)") }
        if !result.isValid { throw ExitCode(1) }
    }

    /// `yyyyMMdd` becomes `dd/MM/yyyy`; other forms are sent as given.
    static func gatewayDate(_ text: String) -> String {
        guard text.count == 8, text.allSatisfy(\.isNumber) else { return text }
        let characters = Array(text)
        return "\(String(characters[6...7]))/\(String(characters[4...5]))/\(String(characters[0...3]))"
    }
}
