import ArgumentParser
import Bus
import Foundation

/// `lienthong config show [FILE]`: the effective configuration, secrets masked.
struct ConfigShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print the effective configuration (defaults filled in, ${VARIABLE}s substituted), secrets masked.",
        discussion: """
            Loads FILE as `serve --config FILE` would (without FILE: the embedded default) and \
            prints it as YAML: every default filled in, ${VARIABLE}s substituted, relative paths \
            made absolute, included files merged. Passwords (PostgreSQL URL, insurance gateway), \
            URL passwords, secret-looking query parameters and credential headers \
            (Authorization, Cookie, names with token/secret/password/api-key) are shown as \
            <redacted>; see docs/CONFIGURATION.md. Exit status 1 when the file is invalid.
            """
    )

    @Argument(help: "The configuration file (YAML); without it, the embedded default.")
    var file: String?

    func run() throws {
        var options = BusOptions()
        options.config = file
        let configuration: BusConfiguration
        do {
            configuration = try options.load()
            _ = try options.loadMappings(configuration)
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("\(file ?? "the embedded configuration"): invalid — \(error)\n".utf8))
            throw ExitCode(1)
        }
        print(configuration.effectiveYAML(), terminator: "")
    }
}
