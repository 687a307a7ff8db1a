import ArgumentParser

/// `lienthong admin`: what the admin API needs set up.
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Set up access to the admin API (/api/…) and the dashboard: API tokens, accounts.",
        subcommands: [AdminTokenCommand.self, AdminUserCommand.self]
    )
}
