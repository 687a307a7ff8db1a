import ArgumentParser
import Bus
import Foundation
import Server
import Store

/// `lienthong admin user add|list|remove|password`: the dashboard's accounts, from the command
/// line (the first admin is made here; later ones also through `/api/users`).
struct AdminUserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage the dashboard's accounts (stored in the bus's store, shared by its nodes).",
        discussion: """
            The password is read from the environment variable LIENTHONG_PASSWORD, or with \
            --password-stdin from the first line of standard input; never from the command line \
            (it would be in the shell's history and the process list). At least \
            \(PasswordHash.minimumPasswordLength) characters; kept as a scrypt hash. Changes are \
            in the audit log (actor `cli`); a changed role or password ends the account's sessions.
            """,
        subcommands: [Add.self, List.self, Remove.self, Password.self]
    )

    /// Where the password comes from.
    struct PasswordOptions: ParsableArguments {
        @Flag(help: "Read the password from the first line of standard input instead of LIENTHONG_PASSWORD.")
        var passwordStdin = false

        func read() throws -> String {
            let password: String?
            if passwordStdin {
                password = readLine(strippingNewline: true)
            } else {
                password = ProcessInfo.processInfo.environment["LIENTHONG_PASSWORD"]
            }
            guard let password, !password.isEmpty else {
                throw ValidationError("no password: set LIENTHONG_PASSWORD, or pass --password-stdin and type it")
            }
            if let problem = AdminAPI.problem(password: password) { throw ValidationError(problem) }
            return password
        }
    }

    /// Runs `body` with the store's accounts and audit log.
    static func withAccounts<T>(_ options: StoreOptions, _ body: (any AccountStore, Auditor?) async throws -> T) async throws -> T {
        try await options.withStore(command: "admin user", mustExist: false) { store in
            guard let accounts = store as? any AccountStore else { throw CLIError("admin user: this store keeps no accounts") }
            return try await body(accounts, Auditor(store: store))
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an account.")

        @Argument(help: "The login name (a–z, 0–9, '.', '_', '-').") var name: String
        @Option(help: "viewer, operator or admin.") var role: String
        @OptionGroup var password: PasswordOptions
        @OptionGroup var options: StoreOptions

        func run() async throws {
            if let problem = AdminAPI.problem(name: name) ?? AdminAPI.problem(role: role) { throw ValidationError(problem) }
            let hash = try PasswordHash.make(try password.read())
            try await AdminUserCommand.withAccounts(options) { accounts, auditor in
                do {
                    try await accounts.createAccount(Account(name: name, role: role, passwordHash: hash, createdAt: Date()))
                } catch let error as StoreError where error.code == .invalidState {
                    throw CLIError("admin user: an account \(name) exists (change it with `lienthong admin user password`)")
                }
                try await auditor?.record(.userChange, by: .cli, target: "user \(name)", detail: "created, role \(role)")
            }
            print("added \(name) (\(role))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts: name, role, last change.")

        @OptionGroup var options: StoreOptions

        func run() async throws {
            let accounts = try await AdminUserCommand.withAccounts(options) { accounts, _ in try await accounts.accounts() }
            for account in accounts {
                print("\(account.name)\t\(account.role)\t\(account.updatedAt.formatted(.iso8601))")
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an account and end its sessions.")

        @Argument(help: "The login name.") var name: String
        @OptionGroup var options: StoreOptions

        func run() async throws {
            try await AdminUserCommand.withAccounts(options) { accounts, auditor in
                do {
                    try await accounts.deleteAccount(named: name)
                } catch let error as StoreError where error.code == .notFound {
                    throw CLIError("admin user: no account \(name)")
                }
                try await auditor?.record(.userChange, by: .cli, target: "user \(name)", detail: "deleted")
            }
            print("removed \(name)")
        }
    }

    struct Password: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set an account's password (and end its sessions).")

        @Argument(help: "The login name.") var name: String
        @OptionGroup var password: PasswordOptions
        @OptionGroup var options: StoreOptions

        func run() async throws {
            let hash = try PasswordHash.make(try password.read())
            try await AdminUserCommand.withAccounts(options) { accounts, auditor in
                do {
                    try await accounts.updateAccount(named: name, role: nil, passwordHash: hash, now: Date())
                } catch let error as StoreError where error.code == .notFound {
                    throw CLIError("admin user: no account \(name)")
                }
                try await auditor?.record(.userChange, by: .cli, target: "user \(name)", detail: "changed: password")
            }
            print("changed the password of \(name)")
        }
    }
}
