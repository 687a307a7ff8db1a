import Foundation
import EPrescription
import InsuranceGateway
import MLLP
import NationalPlatform
import PostgresStore
import Store

extension BusConfiguration {
    /// The value shown in place of a secret.
    public static let maskedSecret = "<redacted>"

    /// The configuration as the bus runs it, as YAML (`lienthong config show`): every default
    /// filled in, `${VARIABLE}`s substituted, relative paths made absolute, the files a
    /// configuration includes merged (each channel and destination with a comment naming its
    /// file and line). The text reads back as the same configuration.
    ///
    /// Secrets are shown as ``maskedSecret``: the password of the PostgreSQL URL, the insurance
    /// gateway's password, the password of an HTTP destination's URL and its query parameters
    /// named like a secret, and the values of HTTP headers that carry credentials
    /// (`Authorization`, `Proxy-Authorization`, `Cookie`, and any name containing `token`,
    /// `secret`, `password`, `api-key` or `apikey`). Paths (TLS private keys included) and the
    /// names of environment variables are not secrets: they are shown.
    public func effectiveYAML(maskingSecrets: Bool = true) -> String {
        var writer = EffectiveYAMLWriter(masks: maskingSecrets)
        return writer.write(self)
    }
}

/// Writes a ``BusConfiguration`` as YAML, a line at a time.
private struct EffectiveYAMLWriter {
    let masks: Bool
    var lines: [String] = []

    init(masks: Bool) { self.masks = masks }

    func secret(_ value: String) -> String { masks ? BusConfiguration.maskedSecret : value }

    mutating func line(_ indent: Int, _ text: String) {
        lines.append(String(repeating: "  ", count: indent) + text)
    }

    mutating func write(_ configuration: BusConfiguration) -> String {
        line(0, "# The effective configuration (lienthong config show)\(masks ? "; secrets shown as \(BusConfiguration.maskedSecret)" : "").")
        store(configuration.store)
        if configuration.needsHTTPListener {
            line(0, "http:")
            line(1, "host: \(Self.scalar(configuration.http.host))")
            line(1, "port: \(configuration.http.port)")
            tls(configuration.http.tlsFiles, indent: 1)
            allow(configuration.http.allow, indent: 1)
        } else {
            // An `http` section would start the listener.
            line(0, "# http: not running (no FHIR channel and no http section)")
        }
        line(0, "mappings:")
        line(1, "folder: \(Self.scalar(configuration.mappings.folder.path))")
        line(1, "watch: \(configuration.mappings.watchInterval.map(Self.duration) ?? "off")")
        if let facility = configuration.mappings.claimsFacility { line(1, "claims: {facility: \(Self.scalar(facility))}") }
        line(0, configuration.channels.isEmpty ? "channels: {}" : "channels:")
        for channel in configuration.channels { self.channel(channel) }
        line(0, configuration.destinations.isEmpty ? "destinations: {}" : "destinations:")
        for destination in configuration.destinations { self.destination(destination) }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: Sections

    mutating func store(_ store: BusConfiguration.StoreKind) {
        line(0, "store:")
        switch store {
        case .sqlite(let sqlite):
            line(1, "sqlite:")
            line(2, "path: \(Self.scalar(sqlite.path))")
            line(2, "durability: \(sqlite.durability == .full ? "power-loss" : "process-crash")")
            line(2, "maximum-batch-size: \(sqlite.maximumBatchSize)")
            line(2, "retention: \(sqlite.retention.map(Self.duration) ?? "forever")")
        case .postgres(let postgres):
            line(1, "postgres:")
            let user = Self.percentEncoded(postgres.username)
            let password = postgres.password.map { ":\(masks ? BusConfiguration.maskedSecret : Self.percentEncoded($0))" } ?? ""
            let database = Self.percentEncoded(postgres.database ?? postgres.username)
            line(2, "url: \(Self.scalar("postgres://\(user)\(password)@\(postgres.host):\(postgres.port)/\(database)?sslmode=\(postgres.tls)"))")
            line(2, "pool-size: \(postgres.poolSize)")
            line(2, "schema: \(Self.scalar(postgres.schema))")
            line(2, "retention: \(postgres.retention.map(Self.duration) ?? "forever")")
        }
    }

    mutating func origin(_ origin: ConfigurationOrigin?) {
        guard let origin else { return }
        line(1, "# \(origin.file)\(origin.line.map { ":\($0)" } ?? "")")
    }

    mutating func channel(_ channel: ChannelConfiguration) {
        origin(channel.origin)
        line(1, "\(Self.scalar(channel.name)):")
        switch channel.source {
        case .mllp(let listener):
            line(2, "mllp:")
            line(3, "host: \(Self.scalar(listener.host))")
            line(3, "port: \(listener.port)")
            line(3, "maximum-message-size: \(Self.size(listener.maximumFrameLength))")
            line(3, "idle-timeout: \(listener.idleTimeout.map(Self.duration) ?? "none")")
            tls(channel.tlsFiles, indent: 3)
            line(2, "deduplication-window: \(Self.duration(channel.intake.deduplicationWindow))")
            line(2, "patient-id: \(Self.scalar("\(channel.intake.patientIDPath)"))")
        case .fhir(let source):
            line(2, "fhir:")
            line(3, "path: \(Self.scalar(source.path))")
            line(3, "maximum-body-size: \(Self.size(source.intake.maximumBodySize))")
            line(3, "unknown-extensions: \(source.intake.allowsUnknownExtensions ? "warning" : "error")")
            if !source.implementationGuides.isEmpty { line(3, "implementation-guides: \(Self.list(source.implementationGuides))") }
            if !source.intake.profiles.isEmpty { line(3, "profiles: \(Self.list(source.intake.profiles))") }
            line(2, "deduplication-window: \(Self.duration(source.intake.deduplicationWindow))")
        case .folder(let folder):
            line(2, "folder:")
            line(3, "path: \(Self.scalar(folder.folder.path))")
            line(3, "pattern: \(Self.scalar(folder.pattern))")
            line(3, "poll-interval: \(Self.duration(folder.pollInterval))")
            switch folder.completion {
            case .move(let target): line(3, "done: {move-to: \(Self.scalar(target.path))}")
            case .delete: line(3, "done: delete")
            }
            line(3, "error-folder: \(Self.scalar(folder.errorFolder.path))")
            line(2, "deduplication-window: \(Self.duration(channel.intake.deduplicationWindow))")
        }
        allow(channel.allow, indent: 2)
        guard !channel.routes.isEmpty else {
            line(2, "routes: []")
            return
        }
        line(2, "routes:")
        for route in channel.routes {
            line(3, "- destination: \(Self.scalar(route.destination))")
            if !route.filter.types.isEmpty { line(4, "message-types: \(Self.list(route.filter.types))") }
            if !route.filter.sendingFacilities.isEmpty { line(4, "sending-facilities: \(Self.list(route.filter.sendingFacilities))") }
            if !route.filter.conditions.isEmpty { line(4, "when: \(Self.list(route.filter.conditions.map(\.description)))") }
            if let key = route.orderingKey { line(4, "ordering-key: \(Self.scalar("\(key)"))") }
            line(4, "mapping: \(Self.scalar(route.mapping ?? "none"))")
        }
    }

    /// A sender allow-list, when there is one.
    mutating func allow(_ allow: SenderAllowList?, indent: Int) {
        guard let allow else { return }
        line(indent, "allow:")
        if !allow.addresses.isEmpty { line(indent + 1, "addresses: \(Self.list(allow.addresses.map(\.description)))") }
        if !allow.clientSubjects.isEmpty { line(indent + 1, "client-subjects: \(Self.list(allow.clientSubjects.map(\.text)))") }
    }

    mutating func tls(_ files: [String: String]?, indent: Int) {
        guard let files else { return }
        guard !files.isEmpty else {
            line(indent, "tls: {}")
            return
        }
        line(indent, "tls:")
        for (key, path) in files.sorted(by: { $0.key < $1.key }) { line(indent + 1, "\(key): \(Self.scalar(path))") }
    }

    mutating func destination(_ destination: DestinationConfiguration) {
        origin(destination.origin)
        line(1, "\(Self.scalar(destination.name)):")
        switch destination.endpoint {
        case .mllp(let client):
            line(2, "mllp:")
            line(3, "host: \(Self.scalar(client.host))")
            line(3, "port: \(client.port)")
            line(3, "connect-timeout: \(Self.duration(client.connectTimeout))")
            line(3, "response-timeout: \(Self.duration(client.responseTimeout))")
            line(3, "maximum-message-size: \(Self.size(client.maximumFrameLength))")
            tls(destination.tlsFiles, indent: 3)
        case .http(let http):
            line(2, "http:")
            line(3, "url: \(Self.scalar(masked(http.url)))")
            line(3, "method: \(http.method)")
            if let type = http.contentType { line(3, "content-type: \(Self.scalar(type))") }
            if !http.headers.isEmpty {
                line(3, "headers:")
                for header in http.headers {
                    let value = Self.isSecretHeader(header.name) ? secret(header.value) : header.value
                    line(4, "\(Self.scalar(header.name)): \(Self.scalar(value))")
                }
            }
            line(3, "timeout: \(Self.duration(http.timeout))")
        case .file(let directory):
            line(2, "file:")
            line(3, "directory: \(Self.scalar(directory.path))")
        case .insuranceGateway(let gateway):
            line(2, "insurance-gateway:")
            line(3, "url: \(Self.scalar(masked(gateway.client.url)))")
            line(3, "username: \(Self.scalar(gateway.client.credentials.username))")
            line(3, "password: \(Self.scalar(secret(gateway.client.credentials.password)))")
            if let facility = gateway.facilityCode { line(3, "facility: \(Self.scalar(facility))") }
            line(3, "variant: \"\(gateway.client.variant.decision)\"")
            line(3, "timeout: \(Self.duration(gateway.client.timeout))")
        case .fhirServer(let server):
            line(2, "fhir-server:")
            line(3, "url: \(Self.scalar(masked(server.client.url)))")
            line(3, "token-url: \(Self.scalar(masked(server.client.tokenURL)))")
            line(3, "client-id: \(Self.scalar(server.client.credentials.clientID))")
            switch server.client.credentials.method {
            case .secret(let value): line(3, "client-secret: \(Self.scalar(secret(value)))")
            case .privateKey(let key):
                line(3, "private-key: \(Self.scalar(server.privateKeyFile ?? BusConfiguration.maskedSecret))")
                if let id = key.keyID { line(3, "key-id: \(Self.scalar(id))") }
            }
            if let scope = server.client.credentials.scope { line(3, "scope: \(Self.scalar(scope))") }
            line(3, "timeout: \(Self.duration(server.client.timeout))")
            if let guide = server.implementationGuide { line(3, "ig: \(Self.scalar(guide))") }
            if !server.profiles.isEmpty { line(3, "profiles: \(Self.list(server.profiles))") }
        case .ePrescription(let prescriptions):
            line(2, "e-prescription:")
            line(3, "url: \(Self.scalar(masked(prescriptions.url)))")
            line(3, "username: \(Self.scalar(prescriptions.username))")
            line(3, "password: \(Self.scalar(secret(prescriptions.password)))")
            line(3, "facility: \(Self.scalar(prescriptions.facilityCode))")
            line(3, "timeout: \(Self.duration(prescriptions.timeout))")
        }
        line(2, "concurrency: \(destination.concurrency)")
        line(2, "paused: \(destination.isPaused)")
        let retry = destination.worker.retry
        line(2, "retry:")
        line(3, "initial-delay: \(Self.duration(retry.initialDelay))")
        line(3, "maximum-delay: \(Self.duration(retry.maximumDelay))")
        line(3, "multiplier: \(Self.number(retry.multiplier))")
        line(3, "jitter: \(retry.jitter)")
        line(3, "maximum-attempts: \(retry.maximumAttempts.map { "\($0)" } ?? "unlimited")")
        line(3, "maximum-age: \(retry.maximumAge.map(Self.duration) ?? "unlimited")")
        if let attempts = destination.worker.keyPolicy.moveAsideAfterAttempts {
            line(2, "on-key-failure: {move-aside-after: \(attempts)}")
        } else {
            line(2, "on-key-failure: block")
        }
        line(2, "lease: \(Self.duration(destination.worker.leaseDuration))")
        line(2, "batch-size: \(destination.worker.batchSize)")
    }

    // MARK: Secrets

    /// A URL with its password, and the values of query parameters named like a secret, masked.
    func masked(_ url: URL) -> String {
        guard masks, var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url.absoluteString }
        // A placeholder URLComponents accepts, replaced by the mask in the text.
        let placeholder = "LIENTHONGMASKEDSECRET"
        if components.password != nil { components.password = placeholder }
        components.queryItems = components.queryItems?.map { item in
            Self.isSecretName(item.name) ? URLQueryItem(name: item.name, value: placeholder) : item
        }
        return (components.string ?? url.absoluteString).replacingOccurrences(of: placeholder, with: BusConfiguration.maskedSecret)
    }

    static func isSecretHeader(_ name: String) -> Bool {
        ["authorization", "proxy-authorization", "cookie"].contains(name.lowercased()) || isSecretName(name)
    }

    static func isSecretName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return ["token", "secret", "password", "passwd", "api-key", "apikey", "api_key", "signature"].contains { lower.contains($0) }
    }

    // MARK: Values

    /// A plain scalar when it reads back as itself, otherwise a double-quoted one.
    static func scalar(_ text: String) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./^")
        if !text.isEmpty, text.allSatisfy({ plain.contains($0) }), !text.hasPrefix("-"), !["~", "null", "Null", "NULL"].contains(text) {
            return text
        }
        var quoted = "\""
        for character in text.unicodeScalars {
            switch character {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            case "\r": quoted += "\\r"
            default: quoted.unicodeScalars.append(character)
            }
        }
        return quoted + "\""
    }

    static func list(_ items: [String]) -> String {
        "[\(items.map(scalar).joined(separator: ", "))]"
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed.subtracting(CharacterSet(charactersIn: ":@"))) ?? text
    }

    /// A duration in its largest whole unit: `24h`, `90s`, `250ms`.
    static func duration(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        for (unit, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)] where milliseconds != 0 && milliseconds % size == 0 {
            return "\(milliseconds / size)\(unit)"
        }
        return "\(milliseconds)ms"
    }

    /// A size in its largest whole binary unit: `10MiB`, `65537`.
    static func size(_ bytes: Int) -> String {
        for (unit, size) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] where bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return "\(bytes)"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? "\(Int64(value))" : "\(value)"
    }
}
