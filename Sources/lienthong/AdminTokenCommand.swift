import ArgumentParser
import Bus
import Foundation

/// `lienthong admin token`: makes an API token and the configuration lines that admit it.
struct AdminTokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Make a new API token for the admin API and print it with the lines to add under security.tokens.",
        discussion: """
            The token (256 random bits, `lt_…`) is printed once, on the first line: give it to \
            whoever uses it (Authorization: Bearer …). The configuration keeps only its SHA-256, \
            printed as a YAML item to add to the file's security.tokens list; reload the bus \
            (lienthong config reload) to admit it. Roles: viewer (channels, queues, message \
            headers; no content), operator (content, replay), admin (configuration).
            """
    )

    @Option(name: .long, help: "Who or what uses the token (shown in the audit trail).")
    var name: String

    @Option(name: .long, help: "viewer, operator or admin.")
    var role: String

    func run() throws {
        guard let role = AdminRole(rawValue: role) else { throw ValidationError("--role must be viewer, operator or admin") }
        guard !name.isEmpty, !name.contains("\n") else { throw ValidationError("--name must be one line of text") }
        let token = APIToken.generate()
        let configured = APIToken(name: name, role: role, digest: APIToken.digest(of: token))
        print(token)
        print("# under security.tokens:")
        print("- {name: \(Self.quoted(name)), role: \(role.rawValue), sha256: \(configured.hexDigest)}")
    }

    /// A YAML double-quoted string.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
