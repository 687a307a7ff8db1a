import ArgumentParser
import Bus
import Foundation

/// `lienthong config …`: the bus's configuration file.
struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check, show and reload the bus's configuration.",
        subcommands: [ConfigCheckCommand.self, ConfigShowCommand.self, ConfigReloadCommand.self]
    )
}

/// `lienthong config check FILE…`: loads each file as `serve --config FILE` would, without
/// opening the store or any listener.
struct ConfigCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check configuration files as `serve` would load them, without starting anything.",
        discussion: """
            Reads each YAML file, substitutes ${VARIABLE}s from the environment, checks every key \
            and value, and loads and checks the mappings the routes name. Prints one line per file: \
            what it holds, or the first problem with file:line:column and the key's path. Exit \
            status 0 when every file is valid, 1 otherwise. Values (and so secrets) are not printed.
            """
    )

    @Argument(help: "The configuration files (YAML).")
    var files: [String]

    func run() throws {
        var failed = 0
        for file in files {
            do {
                var options = BusOptions()
                options.config = file
                let configuration = try options.load()
                let mappings = try options.loadMappings(configuration)
                print("\(file): valid — \(Self.summary(of: configuration, mappings: mappings))")
            } catch let error as CLIError {
                failed += 1
                print("\(file): invalid — \(error)")
            }
        }
        if failed > 0 { throw ExitCode(1) }
    }

    /// What a valid configuration holds, in a few words.
    static func summary(of configuration: BusConfiguration, mappings: MappingCatalog?) -> String {
        let routes = configuration.channels.reduce(0) { $0 + $1.routes.count }
        var parts = [
            count(configuration.channels.count, "channel"), count(routes, "route"),
            count(configuration.destinations.count, "destination"),
        ]
        if let mappings { parts.append("mappings from \(mappings.folder.path)") }
        return parts.joined(separator: ", ")
    }

    private static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
