public import Foundation
import EPrescription
import FHIR
import HL7v2
import InsuranceGateway
import MLLP
import NationalPlatform
import PostgresStore
import Store
import Yams

extension BusConfiguration {
    /// Reads a configuration file (YAML, see `docs/CONFIGURATION.md`).
    ///
    /// Relative paths in the file are relative to the file's folder.
    ///
    /// - Throws: ``ConfigurationError`` naming file, line, column and key.
    /// - Parameters:
    ///   - url: the file.
    ///   - name: how errors name the file (as the user typed it); `nil` uses its path.
    ///   - environment: the variables `${NAME}` is replaced with.
    public init(
        contentsOf url: URL, name: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) {
        let file = name ?? url.path
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: file, key: "", message: "cannot read the file: \(error.localizedDescription)")
        }
        try self.init(yaml: text, file: file, baseDirectory: url.deletingLastPathComponent(), environment: environment)
    }

    /// Reads a configuration from YAML text.
    ///
    /// - Parameters:
    ///   - yaml: the text.
    ///   - file: the name used in errors.
    ///   - baseDirectory: what relative paths are relative to.
    ///   - environment: the variables `${NAME}` is replaced with.
    /// - Throws: ``ConfigurationError`` naming file, line, column and key.
    public init(
        yaml: String, file: String, baseDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigurationError) {
        let root = try Self.compose(yaml: yaml, file: file)
        let reader = YAMLReader(base: baseDirectory)
        self = try reader.configuration(ConfigurationNode(node: root, key: "", file: file, environment: environment))
        try validate(file: file)
    }

    /// The YAML tree of a text; errors name `file`, line and column.
    static func compose(yaml: String, file: String) throws(ConfigurationError) -> Node {
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw ConfigurationError(file: file, key: "", message: "the file is empty")
            }
            return node
        } catch let error as ConfigurationError {
            throw error
        } catch let error as YamlError {
            throw Self.describe(error, file: file)
        } catch {
            throw ConfigurationError(file: file, key: "", message: "not valid YAML: \(error)")
        }
    }

    private static func describe(_ error: YamlError, file: String) -> ConfigurationError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _), .composer(let context, let problem, let mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return ConfigurationError(file: file, line: mark.line, column: mark.column, key: "", message: "not valid YAML: \(prefix)\(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return ConfigurationError(
                file: file, line: context.mark.line, column: context.mark.column, key: "",
                message: "a key appears twice in one mapping: \(duplicates.joined(separator: ", "))")
        default:
            return ConfigurationError(file: file, key: "", message: "not valid YAML: \(error)")
        }
    }
}

/// Turns the YAML tree into a ``BusConfiguration``, one section at a time.
private struct YAMLReader {
    let base: URL

    /// `security: {tokens: [{name, role, sha256}]}`.
    func security(_ node: ConfigurationNode) throws(ConfigurationError) -> SecurityConfiguration {
        let fields = try node.mapping(allowing: ["tokens", "encryption"])
        var security = SecurityConfiguration()
        if let encryption = fields["encryption"] { security.encryption = try self.encryption(encryption) }
        for item in fields["tokens"]?.sequence() ?? [] {
            let token = try item.mapping(allowing: ["name", "role", "sha256"])
            guard let nameNode = token["name"] else { throw item.error("a token needs a name") }
            let name = try nameNode.string()
            guard !name.isEmpty, !security.tokens.contains(where: { $0.name == name }) else {
                throw nameNode.error("expected a name no other token has")
            }
            guard let roleNode = token["role"] else { throw item.error("a token needs a role: viewer, operator or admin") }
            guard let role = AdminRole(rawValue: try roleNode.string()) else { throw roleNode.error("expected viewer, operator or admin") }
            guard let digestNode = token["sha256"] else {
                throw item.error("a token needs sha256: the SHA-256 of the token in hex (`lienthong admin token` makes one)")
            }
            guard let digest = APIToken.digest(hex: try digestNode.string()) else {
                throw digestNode.error("expected 64 hexadecimal digits (the SHA-256 of the token, never the token itself)")
            }
            security.tokens.append(APIToken(name: name, role: role, digest: digest))
        }
        return security
    }

    /// `security.encryption: {key-id, key-file | key-env, previous-keys: [{key-id, key-file | key-env}]}`.
    func encryption(_ node: ConfigurationNode) throws(ConfigurationError) -> EncryptionConfiguration {
        let fields = try node.mapping(allowing: ["key-id", "key-file", "key-env", "previous-keys"])
        var configuration = EncryptionConfiguration(current: try keySource(node, fields))
        for item in fields["previous-keys"]?.sequence() ?? [] {
            let source = try keySource(item, try item.mapping(allowing: ["key-id", "key-file", "key-env"]))
            guard source.id != configuration.current.id, !configuration.previous.contains(where: { $0.id == source.id }) else {
                throw item.error("expected a key-id no other key has")
            }
            configuration.previous.append(source)
        }
        return configuration
    }

    /// One key's `key-id` and `key-file` or `key-env`.
    func keySource(_ node: ConfigurationNode, _ fields: ConfigurationMapping) throws(ConfigurationError) -> EncryptionConfiguration.KeySource {
        guard let idNode = fields["key-id"] else { throw node.error("a key needs a key-id (stored beside each row it encrypts)") }
        let id = try idNode.string()
        guard EncryptionKey.isValid(id: id) else { throw idNode.error("expected 1–64 letters, digits, '-', '_' or '.'") }
        let file = try filePath(fields["key-file"])
        let environment = try fields["key-env"]?.string()
        guard (file == nil) != (environment == nil) else {
            throw node.error("a key needs exactly one of key-file (a file holding the key) and key-env (an environment variable)")
        }
        return EncryptionConfiguration.KeySource(id: id, file: file, environment: environment)
    }

    func configuration(_ root: ConfigurationNode) throws(ConfigurationError) -> BusConfiguration {
        let top = try root.mapping(allowing: ["store", "http", "mappings", "include", "channels", "destinations", "security"])
        let store = try top["store"].map { node throws(ConfigurationError) in try self.store(node) } ?? .sqlite(defaultStore)
        // With `include`, channels and destinations may all be in the included files.
        let includes = top["include"]?.sequence() ?? []
        var entries = Entries()
        try entries.read(top, reader: self, required: includes.isEmpty)
        for include in includes {
            for (file, name) in try includedFiles(try include.string(), node: include) {
                let included = try Self.compose(contentsOf: file, name: name, environment: root.environment)
                let sections = try included.mapping(allowing: ["channels", "destinations"])
                try entries.read(sections, reader: YAMLReader(base: file.deletingLastPathComponent()), required: false)
            }
        }
        let channels = entries.channels
        let destinations = entries.destinations
        var http = HTTPListenerConfiguration()
        if let node = top["http"] {
            http.isRequested = true
            let fields = try node.mapping(allowing: ["host", "port", "tls", "allow"])
            if let host = fields["host"] { http.host = try host.string() }
            if let port = fields["port"] { http.port = try port.int(in: 0...65535, what: "a port (0–65535)") }
            if let tls = fields["tls"] {
                http.tls = try serverTLS(tls)
                http.tlsFiles = try tlsFiles(node)
            }
            if let allow = fields["allow"] {
                http.allow = try allowList(allow, mutualTLS: http.tlsFiles?["client-ca"] != nil, what: "the HTTP listener")
            }
        }
        var mappings = MappingsConfiguration(folder: base.appendingPathComponent("mappings").standardizedFileURL)
        if let node = top["mappings"] {
            let fields = try node.mapping(allowing: ["folder", "watch", "claims"])
            if let folder = try filePath(fields["folder"]) { mappings.folder = URL(fileURLWithPath: folder) }
            if let watch = fields["watch"] {
                if try watch.string() == "off" {
                    mappings.watchInterval = nil
                } else {
                    let interval = try watch.duration()
                    guard interval > .zero else { throw watch.error("expected a duration above 0 (such as 2s), or off") }
                    mappings.watchInterval = interval
                }
            }
            if let claims = fields["claims"] {
                let claimFields = try claims.mapping(allowing: ["facility"])
                if let facility = claimFields["facility"] {
                    let code = try facility.string()
                    guard code.count == 5 else { throw facility.error("expected the facility's 5-character code (MACSKCB), such as \"79001\"") }
                    mappings.claimsFacility = code
                }
            }
        }
        var configuration = BusConfiguration(store: store, channels: channels, destinations: destinations, http: http, mappings: mappings)
        if let node = top["security"] { configuration.security = try security(node) }
        configuration.storeFingerprint = "\(try top["store"]?.canonical() ?? "default") @\(base.path)"
        return configuration
    }

    /// The channels and destinations read so far, from the file and the files it includes: a
    /// name defined twice is an error at its second place.
    struct Entries {
        var channels: [ChannelConfiguration] = []
        var destinations: [DestinationConfiguration] = []

        mutating func read(_ sections: ConfigurationMapping, reader: YAMLReader, required: Bool) throws(ConfigurationError) {
            if let node = try Self.section("destinations", of: sections, required: required) {
                let mapping = try node.mapping()
                for (name, value) in mapping.entries {
                    let origin = mapping.origin(ofKey: name)
                    if let other = destinations.first(where: { $0.name == name }) {
                        throw origin.error(key: "destinations.\(name)", "a second destination with this name (the first is at \(Self.place(other.origin)))")
                    }
                    var destination = try reader.destination(name, value)
                    destination.origin = origin
                    destination.fingerprint = "\(try value.canonical()) @\(reader.base.path)"
                    destination.tlsFiles = try reader.tlsFiles(try value.mapping()["mllp"])
                    destinations.append(destination)
                }
            }
            if let node = try Self.section("channels", of: sections, required: required) {
                let mapping = try node.mapping()
                for (name, value) in mapping.entries {
                    let origin = mapping.origin(ofKey: name)
                    if let other = channels.first(where: { $0.name == name }) {
                        throw origin.error(key: "channels.\(name)", "a second channel with this name (the first is at \(Self.place(other.origin)))")
                    }
                    var channel = try reader.channel(name, value)
                    channel.origin = origin
                    // Routes (and the allow-list) are swapped without touching the listener: not part of its identity.
                    channel.fingerprint = "\(try value.canonical(skipping: ["routes", "mapping", "allow"])) @\(reader.base.path)"
                    channel.tlsFiles = try reader.tlsFiles(try value.mapping()["mllp"])
                    channels.append(channel)
                }
            }
        }

        static func section(_ key: String, of sections: ConfigurationMapping, required: Bool) throws(ConfigurationError) -> ConfigurationNode? {
            required ? try sections.required(key) : sections[key]
        }

        static func place(_ origin: ConfigurationOrigin?) -> String {
            guard let origin else { return "?" }
            return origin.line.map { "\(origin.file):\($0)" } ?? origin.file
        }
    }

    /// The files of an MLLP section's `tls`, by key, as absolute paths; `nil` without TLS.
    func tlsFiles(_ mllp: ConfigurationNode?) throws(ConfigurationError) -> [String: String]? {
        guard let tls = try mllp?.mapping()["tls"] else { return nil }
        var files: [String: String] = [:]
        for (key, value) in try tls.mapping().entries {
            files[key] = key == "server-name" ? try value.string() : try value.path(relativeTo: base)
        }
        return files
    }

    /// The files an `include` pattern names, sorted: `channels/*.yaml` (`*` and `?` in the file
    /// name only), relative to this file's folder; each with the name errors give it (beside
    /// the including file's name).
    func includedFiles(_ pattern: String, node: ConfigurationNode) throws(ConfigurationError) -> [(URL, String)] {
        let folderPart = (pattern as NSString).deletingLastPathComponent
        let namePattern = (pattern as NSString).lastPathComponent
        guard !folderPart.contains("*"), !folderPart.contains("?"), !namePattern.isEmpty else {
            throw node.error("expected files such as channels/*.yaml (wildcards in the file name only), found \"\(pattern)\"")
        }
        let folder = pattern.hasPrefix("/") ? URL(fileURLWithPath: folderPart) : base.appendingPathComponent(folderPart).standardizedFileURL
        // Errors name an included file as the user would find it: beside the including file.
        let including = (node.file as NSString).deletingLastPathComponent
        let shownFolder = pattern.hasPrefix("/") || including.isEmpty ? folderPart : (folderPart.isEmpty ? including : "\(including)/\(folderPart)")
        func shown(_ name: String) -> String { shownFolder.isEmpty ? name : "\(shownFolder)/\(name)" }
        guard namePattern.contains("*") || namePattern.contains("?") else {
            let file = folder.appendingPathComponent(namePattern)
            guard FileManager.default.fileExists(atPath: file.path) else { throw node.error("the included file \(shown(namePattern)) does not exist") }
            return [(file, shown(namePattern))]
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            throw node.error("cannot list the folder \(shownFolder) of \"\(pattern)\": \(error.localizedDescription)")
        }
        return names.filter { !$0.hasPrefix(".") && IncludePattern.matches($0, namePattern) }.sorted()
            .map { (folder.appendingPathComponent($0), shown($0)) }
    }

    /// Reads and composes a YAML file into a node named `name` in errors.
    static func compose(contentsOf url: URL, name: String, environment: [String: String]) throws(ConfigurationError) -> ConfigurationNode {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: name, key: "", message: "cannot read the file: \(error.localizedDescription)")
        }
        return ConfigurationNode(node: try BusConfiguration.compose(yaml: text, file: name), key: "", file: name, environment: environment)
    }

    /// The store when the file names none: `data/lienthong.sqlite` beside the file.
    var defaultStore: SQLiteStore.Configuration {
        SQLiteStore.Configuration(path: base.appendingPathComponent("data/lienthong.sqlite").standardizedFileURL.path)
    }

    /// An optional file path, relative to the file's folder.
    func filePath(_ node: ConfigurationNode?) throws(ConfigurationError) -> String? {
        try node.map { node throws(ConfigurationError) in try node.path(relativeTo: base) }
    }

    // MARK: Store

    func store(_ node: ConfigurationNode) throws(ConfigurationError) -> BusConfiguration.StoreKind {
        let kinds = try node.mapping(allowing: ["sqlite", "postgres"])
        guard kinds.entries.count == 1 else {
            throw node.error("expected exactly one of sqlite or postgres")
        }
        if let postgres = kinds["postgres"] { return .postgres(try self.postgres(postgres)) }
        let sqlite = try kinds.required("sqlite")
        let fields = try sqlite.mapping(allowing: ["path", "durability", "maximum-batch-size", "retention"])
        var configuration = defaultStore
        if let path = fields["path"] { configuration.path = try path.path(relativeTo: base) }
        if let durability = fields["durability"] {
            switch try durability.string() {
            case "process-crash": configuration.durability = .processCrash
            case "power-loss": configuration.durability = .full
            case let other: throw durability.error("expected process-crash or power-loss, found \"\(other)\"")
            }
        }
        if let size = fields["maximum-batch-size"] { configuration.maximumBatchSize = try size.int(in: 1...100_000) }
        if let retention = fields["retention"] { configuration.retention = try self.retention(retention) }
        return .sqlite(configuration)
    }

    /// `store.postgres`: a URL (whose password may come from `${VARIABLE}`), or a password from
    /// the variable `password-env` names; errors never quote the URL or the password.
    func postgres(_ node: ConfigurationNode) throws(ConfigurationError) -> PostgresStore.Configuration {
        let fields = try node.mapping(allowing: ["url", "password-env", "pool-size", "schema", "retention"])
        let url = try fields.required("url")
        let text = try url.string()
        var configuration: PostgresStore.Configuration
        do {
            configuration = try PostgresStore.Configuration(url: text)
        } catch {
            throw url.error(error.reason)
        }
        if let name = fields["password-env"] {
            configuration.password = try environmentValue(named: name)
        }
        if let size = fields["pool-size"] { configuration.poolSize = try size.int(in: 1...1_000) }
        if let retention = fields["retention"] { configuration.retention = try self.retention(retention) }
        if let schema = fields["schema"] {
            configuration.schema = try schema.string()
            do {
                try configuration.validate()
            } catch {
                throw schema.error(error.reason)
            }
        }
        return configuration
    }

    /// `retention` of either store: a duration of a day or more, or `forever` (`nil`).
    func retention(_ node: ConfigurationNode) throws(ConfigurationError) -> Duration? {
        if try node.string() == "forever" { return nil }
        let duration = try node.duration()
        guard duration >= .seconds(86_400) else { throw node.error("expected a duration of a day or more (such as 90d), or forever") }
        return duration
    }

    // MARK: Channels

    func channel(_ name: String, _ node: ConfigurationNode) throws(ConfigurationError) -> ChannelConfiguration {
        try checkName(name, node)
        let fields = try node.mapping(allowing: ["mllp", "fhir", "folder", "deduplication-window", "patient-id", "mapping", "routes", "allow"])
        let kinds = ["mllp", "fhir", "folder"].filter { fields[$0] != nil }
        guard kinds.count == 1 else {
            throw node.error(
                kinds.isEmpty
                    ? "expected mllp, fhir or folder (where the channel's messages come from)"
                    : "only one of mllp, fhir or folder, found \(kinds.joined(separator: " and "))")
        }
        let window = try fields["deduplication-window"].map { node throws(ConfigurationError) in try node.duration() }
        let source: ChannelConfiguration.Source
        var intake = Intake.Configuration()
        if let mllp = fields["mllp"] {
            source = .mllp(try self.listener(mllp))
            if let window { intake.deduplicationWindow = window }
            if let patientID = fields["patient-id"] { intake.patientIDPath = try self.path(patientID) }
        } else if let folder = fields["folder"] {
            source = .folder(try self.folder(folder))
            if let window { intake.deduplicationWindow = window }
            if let patientID = fields["patient-id"] { intake.patientIDPath = try self.path(patientID) }
        } else {
            if let patientID = fields["patient-id"] {
                throw patientID.error("patient-id is an HL7 v2 field path; a FHIR message's patient is its Patient's identifier")
            }
            var fhir = try self.fhirSource(try fields.required("fhir"))
            if let window { fhir.intake.deduplicationWindow = window }
            source = .fhir(fhir)
        }
        // The channel's mapping is every route's, unless a route names its own (`none`: the
        // message as received).
        let mapping = try fields["mapping"]?.string()
        var routes: [Route] = []
        for route in fields["routes"]?.sequence() ?? [] {
            var parsed = try self.route(route)
            if parsed.mapping == nil { parsed.mapping = mapping }
            if parsed.mapping == "none" { parsed.mapping = nil }
            routes.append(parsed)
        }
        var channel = ChannelConfiguration(name: name, source: source, intake: intake, routes: routes)
        if let allow = fields["allow"] {
            switch source {
            case .folder:
                throw allow.error("a folder channel has no sender to allow (allow is for mllp and fhir channels)")
            case .mllp:
                let mutual = try fields["mllp"].flatMap { node throws(ConfigurationError) in try tlsFiles(node) }?["client-ca"] != nil
                channel.allow = try allowList(allow, mutualTLS: mutual, what: "this MLLP listener")
            case .fhir:
                // Whether the HTTP listener asks for client certificates is checked with the whole file (validate).
                channel.allow = try allowList(allow, mutualTLS: true, what: "the HTTP listener")
            }
        }
        return channel
    }

    /// `allow: {addresses: [CIDR…], client-subjects: [DN…]}`; client subjects need mutual TLS
    /// (`tls.client-ca`) on `what`.
    func allowList(_ node: ConfigurationNode, mutualTLS: Bool, what: String) throws(ConfigurationError) -> SenderAllowList {
        let fields = try node.mapping(allowing: ["addresses", "client-subjects"])
        guard fields["addresses"] != nil || fields["client-subjects"] != nil else {
            throw node.error("expected addresses, client-subjects or both")
        }
        var list = SenderAllowList()
        if let addresses = fields["addresses"] {
            let items = addresses.sequence()
            guard !items.isEmpty else {
                throw addresses.error("expected a list of addresses and ranges, such as [10.20.0.0/16, \"::1\"] (an empty list would refuse every sender)")
            }
            for item in items {
                let text = try item.string()
                do {
                    list.addresses.append(try AddressRange(text))
                } catch {
                    throw item.error(error.description)
                }
            }
        }
        if let subjects = fields["client-subjects"] {
            let items = subjects.sequence()
            guard !items.isEmpty else {
                throw subjects.error("expected a list of certificate subjects, such as [\"CN=his.example.vn,O=Example,C=VN\"]")
            }
            guard mutualTLS else {
                throw subjects.error("client subjects need mutual TLS: give \(what) tls with client-ca")
            }
            for item in items {
                let text = try item.string()
                do {
                    list.clientSubjects.append(try ClientSubject(text))
                } catch {
                    throw item.error(error.description)
                }
            }
        }
        return list
    }

    func fhirSource(_ node: ConfigurationNode) throws(ConfigurationError) -> ChannelConfiguration.FHIRSource {
        var source = ChannelConfiguration.FHIRSource()
        if node.isNull { return source }
        let fields = try node.mapping(allowing: ["path", "maximum-body-size", "implementation-guides", "profiles", "unknown-extensions"])
        if let path = fields["path"] {
            let text = try path.string()
            let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./")
            guard text.hasPrefix("/"), text.count > 1, !text.hasSuffix("/"), !text.contains("//"), text.allSatisfy({ allowed.contains($0) }) else {
                throw path.error("expected a path such as /fhir (starting with /, letters, digits, -, _, . and /, no trailing /), found \"\(text)\"")
            }
            source.path = text
        }
        if let size = fields["maximum-body-size"] { source.intake.maximumBodySize = try size.byteSize() }
        if let unknown = fields["unknown-extensions"] {
            switch try unknown.string() {
            case "warning": source.intake.allowsUnknownExtensions = true
            case "error": source.intake.allowsUnknownExtensions = false
            case let other: throw unknown.error("expected warning or error, found \"\(other)\"")
            }
        }
        var resources: [FHIR.Element] = []
        for guide in fields["implementation-guides"]?.sequence() ?? [] {
            let folder = try guide.path(relativeTo: base)
            let read: (resources: [FHIR.Element], unreadable: [(file: String, error: FormatError)])
            do {
                read = try Definitions.resources(inFolder: folder)
            } catch {
                throw guide.error("cannot read the implementation guide folder \(folder): \(error.localizedDescription)")
            }
            if let (file, error) = read.unreadable.first {
                throw guide.error("\(file): \(error.position.map { "\($0.line):\($0.column): " } ?? "")\(error.message)")
            }
            resources += read.resources
            source.implementationGuides.append(folder)
        }
        if !resources.isEmpty { source.definitions = Definitions.r4.adding(resources: resources) }
        for profile in fields["profiles"]?.sequence() ?? [] {
            let url = try profile.string()
            guard source.definitions.structure(url: url) != nil else {
                throw profile.error("no StructureDefinition with the URL \(url) is known (R4 core and the implementation-guides)")
            }
            source.intake.profiles.append(url)
        }
        return source
    }

    /// `folder:` path (required), pattern, poll-interval, done (`move-to`, `delete` or
    /// `{move-to: DIR}`), error-folder.
    func folder(_ node: ConfigurationNode) throws(ConfigurationError) -> FolderSource.Configuration {
        let fields = try node.mapping(allowing: ["path", "pattern", "poll-interval", "done", "error-folder"])
        var configuration = FolderSource.Configuration(folder: URL(fileURLWithPath: try fields.required("path").path(relativeTo: base), isDirectory: true))
        if let pattern = fields["pattern"] {
            let text = try pattern.string()
            guard !text.isEmpty, !text.contains("/") else { throw pattern.error("expected a file name pattern such as *.hl7 (* and ? allowed, no /)") }
            configuration.pattern = text
        }
        if let interval = fields["poll-interval"] {
            let duration = try interval.duration()
            guard duration >= .milliseconds(10) else { throw interval.error("expected a duration of at least 10ms, such as 1s") }
            configuration.pollInterval = duration
        }
        if let done = fields["done"] {
            if case .scalar = done.node {
                switch try done.string() {
                case "delete": configuration.completion = .delete
                case "move-to": break
                case let other: throw done.error("expected move-to (into done/ inside the folder), delete, or {move-to: FOLDER}, found \"\(other)\"")
                }
            } else {
                let target = try done.mapping(allowing: ["move-to"]).required("move-to")
                configuration.completion = .move(to: URL(fileURLWithPath: try target.path(relativeTo: base), isDirectory: true))
            }
        }
        if let folder = try filePath(fields["error-folder"]) { configuration.errorFolder = URL(fileURLWithPath: folder, isDirectory: true) }
        return configuration
    }

    func listener(_ node: ConfigurationNode) throws(ConfigurationError) -> MLLPServer.Configuration {
        let fields = try node.mapping(allowing: ["host", "port", "maximum-message-size", "idle-timeout", "tls"])
        var configuration = MLLPServer.Configuration(port: try fields.required("port").int(in: 0...65535, what: "a port (0–65535)"))
        if let host = fields["host"] { configuration.host = try host.string() }
        if let size = fields["maximum-message-size"] { configuration.maximumFrameLength = try size.byteSize() }
        if let idle = fields["idle-timeout"] {
            configuration.idleTimeout = try idle.string() == "none" ? nil : idle.duration()
        }
        if let tls = fields["tls"] { configuration.tls = try serverTLS(tls) }
        return configuration
    }

    /// A listener's `tls`: certificate, private-key, client-ca (mutual TLS).
    func serverTLS(_ tls: ConfigurationNode) throws(ConfigurationError) -> MLLPTLSConfiguration {
        let tlsFields = try tls.mapping(allowing: ["certificate", "private-key", "client-ca"])
        let certificate = try tlsFields.required("certificate").path(relativeTo: base)
        let key = try tlsFields.required("private-key").path(relativeTo: base)
        let clientCA = try filePath(tlsFields["client-ca"])
        do {
            return try .server(certificateChainFile: certificate, privateKeyFile: key, clientCertificateAuthorityFile: clientCA)
        } catch {
            throw tls.error("cannot load the certificate or key: \(error)")
        }
    }

    func route(_ node: ConfigurationNode) throws(ConfigurationError) -> Route {
        let fields = try node.mapping(allowing: ["destination", "message-types", "sending-facilities", "when", "ordering-key", "mapping"])
        let destination = try fields.required("destination").string()
        let types = try fields["message-types"]?.strings() ?? []
        let facilities = try fields["sending-facilities"]?.strings() ?? []
        var conditions: [FilterCondition] = []
        for condition in fields["when"]?.sequence() ?? [] {
            let text = try condition.string()
            do {
                conditions.append(try FilterCondition(text))
            } catch {
                throw condition.error(error.description)
            }
        }
        let key = try fields["ordering-key"].map { node throws(ConfigurationError) in try self.path(node) }
        let mapping = try fields["mapping"]?.string()
        return Route(
            destination: destination, filter: MessageFilter(types: types, sendingFacilities: facilities, conditions: conditions),
            orderingKey: key, mapping: mapping)
    }

    func path(_ node: ConfigurationNode) throws(ConfigurationError) -> Path {
        let text = try node.string()
        do {
            return try Path(text)
        } catch {
            throw node.error("not a field path such as PID-3.1: \(error.message)")
        }
    }

    // MARK: Destinations

    func destination(_ name: String, _ node: ConfigurationNode) throws(ConfigurationError) -> DestinationConfiguration {
        try checkName(name, node)
        let fields = try node.mapping(allowing: [
            "mllp", "http", "file", "insurance-gateway", "fhir-server", "e-prescription", "concurrency", "paused", "retry", "on-key-failure",
            "lease", "batch-size",
        ])
        let kinds = ["mllp", "http", "file", "insurance-gateway", "fhir-server", "e-prescription"].filter { fields[$0] != nil }
        guard kinds.count == 1 else {
            throw node.error(
                kinds.isEmpty
                    ? "expected one of mllp, http, file, insurance-gateway, fhir-server or e-prescription"
                    : "only one of mllp, http, file, insurance-gateway, fhir-server or e-prescription, found \(kinds.joined(separator: " and "))")
        }
        let endpoint: DestinationConfiguration.Endpoint
        if let mllp = fields["mllp"] {
            endpoint = .mllp(try mllpClient(mllp))
        } else if let http = fields["http"] {
            endpoint = .http(try self.http(http))
        } else if let gateway = fields["insurance-gateway"] {
            endpoint = .insuranceGateway(try insuranceGateway(gateway))
        } else if let server = fields["fhir-server"] {
            endpoint = .fhirServer(try fhirServer(server))
        } else if let prescriptions = fields["e-prescription"] {
            endpoint = .ePrescription(try ePrescription(prescriptions))
        } else {
            let file = try fields.required("file").mapping(allowing: ["directory"])
            endpoint = .file(directory: URL(fileURLWithPath: try file.required("directory").path(relativeTo: base)))
        }
        var destination = DestinationConfiguration(name: name, endpoint: endpoint)
        if let concurrency = fields["concurrency"] { destination.concurrency = try concurrency.int(in: 1...256, what: "a number from 1 to 256") }
        if let paused = fields["paused"] { destination.isPaused = try paused.bool() }
        if let retry = fields["retry"] { destination.worker.retry = try self.retry(retry) }
        if let policy = fields["on-key-failure"] { destination.worker.keyPolicy = try keyPolicy(policy) }
        if let lease = fields["lease"] { destination.worker.leaseDuration = try lease.duration() }
        if let batch = fields["batch-size"] { destination.worker.batchSize = try batch.int(in: 1...1000, what: "a number from 1 to 1000") }
        return destination
    }

    func mllpClient(_ node: ConfigurationNode) throws(ConfigurationError) -> MLLPClient.Configuration {
        let fields = try node.mapping(allowing: ["host", "port", "connect-timeout", "response-timeout", "maximum-message-size", "tls"])
        var configuration = MLLPClient.Configuration(
            host: try fields.required("host").string(),
            port: try fields.required("port").int(in: 1...65535, what: "a port (1–65535)"))
        if let timeout = fields["connect-timeout"] { configuration.connectTimeout = try timeout.duration() }
        if let timeout = fields["response-timeout"] { configuration.responseTimeout = try timeout.duration() }
        if let size = fields["maximum-message-size"] { configuration.maximumFrameLength = try size.byteSize() }
        if let tls = fields["tls"] {
            let tlsFields = try tls.mapping(allowing: ["ca", "certificate", "private-key", "server-name"])
            let ca = try filePath(tlsFields["ca"])
            let certificate = try filePath(tlsFields["certificate"])
            let key = try filePath(tlsFields["private-key"])
            guard (certificate == nil) == (key == nil) else { throw tls.error("certificate and private-key go together (mutual TLS)") }
            let serverName = try tlsFields["server-name"]?.string()
            do {
                configuration.tls = try .client(certificateAuthorityFile: ca, certificateChainFile: certificate, privateKeyFile: key, serverHostname: serverName)
            } catch {
                throw tls.error("cannot load the certificates or key: \(error)")
            }
        }
        return configuration
    }

    func http(_ node: ConfigurationNode) throws(ConfigurationError) -> HTTPDestination.Configuration {
        let fields = try node.mapping(allowing: ["url", "method", "content-type", "headers", "timeout"])
        let url = try httpURL("url", in: fields)
        var configuration = HTTPDestination.Configuration(url: url)
        if let method = fields["method"] {
            let value = try method.string().uppercased()
            guard ["POST", "PUT"].contains(value) else { throw method.error("expected POST or PUT, found \"\(value)\"") }
            configuration.method = value
        }
        if let type = fields["content-type"] { configuration.contentType = try type.string() }
        if let headers = fields["headers"] {
            for (name, value) in try headers.mapping().entries {
                configuration.headers.append((name: name, value: try value.string()))
            }
        }
        if let timeout = fields["timeout"] { configuration.timeout = try timeout.duration() }
        return configuration
    }

    /// The `http://` or `https://` URL at `key` (required).
    func httpURL(_ key: String, in fields: ConfigurationMapping) throws(ConfigurationError) -> URL {
        let urlNode = try fields.required(key)
        let text = try urlNode.string()
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw urlNode.error("expected an http:// or https:// URL, found \"\(text)\"")
        }
        return url
    }

    /// A secret given either as `key` or, in the environment, by the variable `key-env` names:
    /// exactly one of the two.
    func secret(_ key: String, in fields: ConfigurationMapping, of node: ConfigurationNode) throws(ConfigurationError) -> String {
        switch (fields[key], fields["\(key)-env"]) {
        case (let value?, nil):
            return try value.string()
        case (nil, let variable?):
            return try environmentValue(named: variable)
        case (_?, _?):
            throw node.error("only one of \(key) or \(key)-env")
        case (nil, nil):
            throw node.error("missing required key \"\(key)\" or \"\(key)-env\"")
        }
    }

    /// The value of the environment variable `variable` names; an error when it is unset or empty.
    func environmentValue(named variable: ConfigurationNode) throws(ConfigurationError) -> String {
        let name = try variable.string()
        guard let value = variable.environment[name], !value.isEmpty else {
            throw variable.error("the environment variable \(name) is not set")
        }
        return value
    }

    /// `insurance-gateway:` url, username, password or password-env, facility, variant, timeout.
    func insuranceGateway(_ node: ConfigurationNode) throws(ConfigurationError) -> InsuranceGatewayDestination.Configuration {
        let fields = try node.mapping(allowing: ["url", "username", "password", "password-env", "facility", "variant", "timeout"])
        let url = try httpURL("url", in: fields)
        let username = try fields.required("username").string()
        let password = try secret("password", in: fields, of: node)
        var client = InsuranceGatewayClient.Configuration(url: url, credentials: GatewayCredentials(username: username, password: password))
        if let variant = fields["variant"] {
            let value = try variant.string()
            guard let parsed = ClaimSubmissionVariant(decision: value) else { throw variant.error("expected 4750 or 3176, found \"\(value)\"") }
            client.variant = parsed
        }
        if let timeout = fields["timeout"] { client.timeout = try timeout.duration() }
        var facility: String?
        if let node = fields["facility"] {
            let value = try node.string()
            guard value.count == 5 else { throw node.error("a facility code (maCSKCB) has 5 characters") }
            facility = value
        }
        return InsuranceGatewayDestination.Configuration(client: client, facilityCode: facility)
    }

    /// `fhir-server:` url, token-url, client-id, client-secret or client-secret-env or
    /// private-key (+ key-id), scope, timeout, ig, profiles.
    func fhirServer(_ node: ConfigurationNode) throws(ConfigurationError) -> FHIRServerDestination.Configuration {
        let fields = try node.mapping(allowing: [
            "url", "token-url", "client-id", "client-secret", "client-secret-env", "private-key", "key-id", "scope", "timeout", "ig", "profiles",
        ])
        let url = try httpURL("url", in: fields)
        let tokenURL = try httpURL("token-url", in: fields)
        let clientID = try fields.required("client-id").string()
        let method: PlatformCredentials.Method
        var keyFile: String?
        switch (fields["client-secret"], fields["client-secret-env"], fields["private-key"]) {
        case (let value?, nil, nil):
            method = .secret(try value.string())
        case (nil, let variable?, nil):
            method = .secret(try environmentValue(named: variable))
        case (nil, nil, let keyNode?):
            let path = try keyNode.path(relativeTo: base)
            let keyID = try fields["key-id"]?.string()
            do {
                method = .privateKey(try ClientAssertionKey(contentsOf: URL(fileURLWithPath: path), keyID: keyID))
            } catch {
                throw keyNode.error("cannot use the private key \(path): \(error.message)")
            }
            keyFile = path
        case (nil, nil, nil):
            throw node.error("missing required key \"client-secret\", \"client-secret-env\" or \"private-key\"")
        default:
            throw node.error("only one of client-secret, client-secret-env or private-key")
        }
        let credentials = PlatformCredentials(clientID: clientID, method: method, scope: try fields["scope"]?.string())
        var client = NationalPlatformClient.Configuration(url: url, tokenURL: tokenURL, credentials: credentials)
        if let timeout = fields["timeout"] { client.timeout = try timeout.duration() }
        var configuration = FHIRServerDestination.Configuration(client: client, privateKeyFile: keyFile)
        if let guide = fields["ig"] {
            let folder = try guide.path(relativeTo: base)
            let read: (resources: [FHIR.Element], unreadable: [(file: String, error: FormatError)])
            do {
                read = try Definitions.resources(inFolder: folder)
            } catch {
                throw guide.error("cannot read the implementation guide folder \(folder): \(error.localizedDescription)")
            }
            if let (file, error) = read.unreadable.first {
                throw guide.error("\(file): \(error.position.map { "\($0.line):\($0.column): " } ?? "")\(error.message)")
            }
            configuration.definitions = Definitions.r4.adding(resources: read.resources)
            configuration.implementationGuide = folder
        }
        for profile in fields["profiles"]?.sequence() ?? [] {
            let url = try profile.string()
            guard configuration.definitions.structure(url: url) != nil else {
                throw profile.error("no StructureDefinition with the URL \(url) is known (R4 core and the ig)")
            }
            configuration.profiles.append(url)
        }
        return configuration
    }

    /// `e-prescription:` url, username, password or password-env, facility, timeout.
    func ePrescription(_ node: ConfigurationNode) throws(ConfigurationError) -> EPrescriptionDestination.Configuration {
        let fields = try node.mapping(allowing: ["url", "username", "password", "password-env", "facility", "timeout"])
        let url = try httpURL("url", in: fields)
        let username = try fields.required("username").string()
        let password = try secret("password", in: fields, of: node)
        let facilityNode = try fields.required("facility")
        let facility = try facilityNode.string()
        guard facility.count == 5, facility.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw facilityNode.error("a facility code has 5 letters or digits")
        }
        var configuration = EPrescriptionDestination.Configuration(url: url, username: username, password: password, facilityCode: facility)
        if let timeout = fields["timeout"] { configuration.timeout = try timeout.duration() }
        return configuration
    }

    func retry(_ node: ConfigurationNode) throws(ConfigurationError) -> RetryPolicy {
        let fields = try node.mapping(allowing: ["initial-delay", "maximum-delay", "multiplier", "jitter", "maximum-attempts", "maximum-age"])
        var policy = RetryPolicy()
        if let delay = fields["initial-delay"] { policy.initialDelay = try delay.duration() }
        if let delay = fields["maximum-delay"] { policy.maximumDelay = try delay.duration() }
        if let multiplier = fields["multiplier"] {
            policy.multiplier = try multiplier.double()
            guard policy.multiplier >= 1 else { throw multiplier.error("expected a number of at least 1") }
        }
        if let jitter = fields["jitter"] {
            switch try jitter.string() {
            case "full": policy.jitter = .full
            case "none": policy.jitter = .none
            case let other: throw jitter.error("expected full or none, found \"\(other)\"")
            }
        }
        if let attempts = fields["maximum-attempts"] {
            policy.maximumAttempts = try attempts.string() == "unlimited" ? nil : attempts.int(in: 1...1_000_000, what: "a positive number or unlimited")
        }
        if let age = fields["maximum-age"] {
            policy.maximumAge = try age.string() == "unlimited" ? nil : age.duration()
        }
        guard policy.initialDelay <= policy.maximumDelay else {
            throw node.error("initial-delay is longer than maximum-delay")
        }
        return policy
    }

    func keyPolicy(_ node: ConfigurationNode) throws(ConfigurationError) -> KeyFailurePolicy {
        if case .scalar = node.node {
            let text = try node.string()
            guard text == "block" else { throw node.error("expected block or move-aside-after: N, found \"\(text)\"") }
            return .block
        }
        let fields = try node.mapping(allowing: ["move-aside-after"])
        return .moveAside(afterAttempts: try fields.required("move-aside-after").int(in: 1...1_000_000, what: "a number of attempts"))
    }

    func checkName(_ name: String, _ node: ConfigurationNode) throws(ConfigurationError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        guard !name.isEmpty, name.count <= 64, name.allSatisfy({ allowed.contains($0) }) else {
            throw node.error("a name is 1 to 64 letters, digits, '-', '_' or '.'")
        }
    }
}
