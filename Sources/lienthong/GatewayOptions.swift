import ArgumentParser
import Foundation
import InsuranceGateway
import Logging

/// The options every command talking to the insurance gateway takes. The password comes from
/// the environment only (a command-line argument would show in the process list).
struct GatewayOptions: ParsableArguments {
    @Option(help: "The gateway's base URL (e.g. https://egw.baohiemxahoi.gov.vn).")
    var gateway: String

    @Option(help: "The account name (default: $LIENTHONG_GATEWAY_USERNAME).")
    var username: String?

    @Option(help: "The environment variable holding the password.")
    var passwordEnv = "LIENTHONG_GATEWAY_PASSWORD"

    @Option(help: "The submission endpoints: 4750 or 3176.")
    var variant = "4750"

    @Option(help: "Seconds one request may take.")
    var timeout: Double = 60

    /// A client for these options.
    func client(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> InsuranceGatewayClient {
        guard let url = URL(string: gateway), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw ValidationError("--gateway must be an http:// or https:// URL")
        }
        guard let username = username ?? environment["LIENTHONG_GATEWAY_USERNAME"], !username.isEmpty else {
            throw ValidationError("give --username or set LIENTHONG_GATEWAY_USERNAME")
        }
        guard let password = environment[passwordEnv], !password.isEmpty else {
            throw ValidationError("set the password in the environment variable \(passwordEnv)")
        }
        guard let variant = ClaimSubmissionVariant(decision: variant) else {
            throw ValidationError("--variant must be 4750 or 3176")
        }
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        let configuration = InsuranceGatewayClient.Configuration(
            url: url, credentials: GatewayCredentials(username: username, password: password), variant: variant,
            timeout: .milliseconds(Int(timeout * 1000)))
        return InsuranceGatewayClient(configuration: configuration, logger: Logger(label: "lienthong.gateway", factory: { _ in SwiftLogNoOpLogHandler() }))
    }
}
