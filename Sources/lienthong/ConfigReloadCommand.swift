import ArgumentParser
import Bus
import Foundation

/// `lienthong config reload`: asks the running bus to apply its configuration file again.
struct ConfigReloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reload",
        abstract: "Ask the running bus to reload its configuration file (as SIGHUP does), and print what it did.",
        discussion: """
            Sends POST /admin/reload to the bus's HTTP listener: --url, or the http host and port \
            of --config FILE (the file the bus runs; 0.0.0.0 is reached as 127.0.0.1). The bus \
            reads its file again: a valid configuration replaces the running one without dropping \
            connections or queued messages; an invalid one is refused and the old one keeps \
            running. Prints the changes, or the errors (file:line:column: key: problem). Exit \
            status 0 when applied, 1 otherwise. The bus answers loopback peers only.
            """
    )

    @Option(name: .long, help: "The bus's configuration file, to find its HTTP listener.")
    var config: String?

    @Option(name: .long, help: "The bus's HTTP listener, e.g. http://127.0.0.1:8080 (instead of --config).")
    var url: String?

    func run() async throws {
        let base: URL
        if let url {
            guard let parsed = URL(string: url), parsed.scheme == "http" || parsed.scheme == "https" else {
                throw ValidationError("--url must be an http:// URL, such as http://127.0.0.1:8080")
            }
            base = parsed
        } else if let config {
            var options = BusOptions()
            options.config = config
            let http = try options.load().http
            guard http.port != 0 else { throw ValidationError("the HTTP listener of \(config) has port 0: give its real port with --url") }
            let host = ["0.0.0.0", "::", ""].contains(http.host) ? "127.0.0.1" : http.host
            base = URL(string: "http://\(host.contains(":") ? "[\(host)]" : host):\(http.port)")!
        } else {
            throw ValidationError("give --config FILE (the file the bus runs) or --url http://HOST:PORT")
        }
        let result: ConfigurationReload
        do {
            result = try await AdminClient(baseURL: base).reload()
        } catch {
            FileHandle.standardError.write(Data("reload: \(error)\n".utf8))
            throw ExitCode(1)
        }
        if result.applied {
            print("reloaded")
            for change in result.changes { print("  \(change)") }
        } else {
            print("not reloaded; the previous configuration keeps running")
        }
        for error in result.errors { print("error: \(error)") }
        if !result.applied || !result.errors.isEmpty { throw ExitCode(1) }
    }
}
