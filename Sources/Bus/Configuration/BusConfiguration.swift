public import Foundation
import Mapping
public import PostgresStore
public import Store
import MLLP

/// Everything `lienthong serve` runs: the store, the channels (a source — an MLLP listener or a
/// FHIR path of the HTTP listener —, intake settings and routes each), the HTTP listener and the
/// destinations (an endpoint and a queue policy each).
///
/// Read from YAML with ``init(yaml:file:environment:)`` or ``init(contentsOf:environment:)``;
/// the format is described in `docs/CONFIGURATION.md`. With no file, `serve` uses
/// ``embeddedDefault(dataDirectory:)``.
public struct BusConfiguration: Sendable {
    /// Where the bus keeps what it must not lose.
    public enum StoreKind: Sendable {
        /// One SQLite file.
        case sqlite(SQLiteStore.Configuration)
        /// A PostgreSQL database (several bus processes may share it).
        case postgres(PostgresStore.Configuration)
    }

    /// The store.
    public var store: StoreKind
    /// The channels, in file order.
    public var channels: [ChannelConfiguration]
    /// The destinations, in file order.
    public var destinations: [DestinationConfiguration]
    /// The HTTP listener; it runs when a channel is a FHIR channel.
    public var http: HTTPListenerConfiguration
    /// The mappings folder; loaded when a route names a mapping.
    public var mappings: MappingsConfiguration
    /// Who may use the admin API.
    public var security = SecurityConfiguration()
    /// The `store` section as read (see ``ChannelConfiguration/fingerprint``): a reload that
    /// changes it is refused, the store cannot change while the bus runs.
    package var storeFingerprint: String?

    /// Creates a configuration; ``validate()`` checks that routes name known destinations.
    public init(
        store: StoreKind, channels: [ChannelConfiguration], destinations: [DestinationConfiguration],
        http: HTTPListenerConfiguration = HTTPListenerConfiguration(),
        mappings: MappingsConfiguration = MappingsConfiguration(folder: URL(fileURLWithPath: "mappings"))
    ) {
        self.store = store
        self.channels = channels
        self.destinations = destinations
        self.http = http
        self.mappings = mappings
    }

    /// Whether the HTTP listener runs: a channel is a FHIR channel, or the file has an `http`
    /// section (for `POST /admin/reload`).
    public var needsHTTPListener: Bool { http.isRequested || channels.contains { $0.fhir != nil } }

    /// Whether a route names a mapping, so the mappings folder must load.
    public var needsMappings: Bool { channels.contains { $0.routes.contains { $0.mapping != nil } } }

    /// Checks that every mapping a route names exists in `catalog` for the channel's messages:
    /// HL7 v2 → FHIR maps on MLLP channels, FHIR → HL7 v2 maps on FHIR channels.
    ///
    /// - Throws: ``ConfigurationError`` naming the route's key.
    public func validate(mappings catalog: MappingCatalog, file: String = "configuration") throws(ConfigurationError) {
        for channel in channels {
            let format: MessageFormat = channel.fhir == nil ? .hl7v2 : .fhirJSON
            for (index, route) in channel.routes.enumerated() {
                if let name = route.mapping, MappingCatalog.parts(of: name).map == MappingCatalog.claims, catalog.claimsFacility == nil {
                    throw Self.error(channel.origin, file: file, key: "channels.\(channel.name).routes[\(index)].mapping", "the claims mapping needs the facility's code: mappings: {claims: {facility: \"79001\"}}")
                }
                guard let name = route.mapping, !catalog.contains(name, for: format) else { continue }
                let known = catalog.names(for: format).joined(separator: ", ")
                let profiles = catalog.library.profileNames.map { "with \($0)" }
                let options = format.isFHIR ? "" : ", each optionally \(profiles.isEmpty ? "with a profile option" : profiles.joined(separator: " or "))"
                throw Self.error(channel.origin, file: file, key: "channels.\(channel.name).routes[\(index)].mapping", "no mapping \"\(name)\" for the \(format.isFHIR ? "FHIR" : "HL7 v2") messages of channel \(channel.name) "
                        + "in \(catalog.folder.path) (known: \(known)\(options))")
            }
        }
    }

    /// An error about an entry read at `origin` (its file and line), or in `file`.
    static func error(_ origin: ConfigurationOrigin?, file: String, key: String, _ message: String) -> ConfigurationError {
        origin?.error(key: key, message) ?? ConfigurationError(file: file, key: key, message: message)
    }

    /// The configuration of `lienthong serve` without `--config`: SQLite in
    /// `<dataDirectory>/lienthong.sqlite`; a channel `default` listening for MLLP on
    /// 127.0.0.1:2575 and a channel `fhir` taking FHIR at `http://127.0.0.1:8080/fhir`, both
    /// routing every message to the destination `outbox`, a folder `<dataDirectory>/outbox/`.
    public static func embeddedDefault(dataDirectory: URL = URL(fileURLWithPath: "data")) -> BusConfiguration {
        let data = dataDirectory.standardizedFileURL
        return BusConfiguration(
            store: .sqlite(.init(path: data.appendingPathComponent("lienthong.sqlite").path)),
            channels: [
                ChannelConfiguration(name: "default", listener: .init(host: "127.0.0.1", port: 2575), routes: [Route(destination: "outbox")]),
                ChannelConfiguration(name: "fhir", source: .fhir(.init(path: "/fhir")), routes: [Route(destination: "outbox")]),
            ],
            destinations: [
                DestinationConfiguration(name: "outbox", endpoint: .file(directory: data.appendingPathComponent("outbox")))
            ]
        )
    }

    /// Checks what single values cannot: unique names, routes to known destinations, distinct
    /// listener addresses.
    ///
    /// - Throws: ``ConfigurationError`` naming the first problem.
    public func validate(file: String = "configuration") throws(ConfigurationError) {
        var destinationNames = Set<String>()
        for destination in destinations {
            guard destinationNames.insert(destination.name).inserted else {
                throw Self.error(destination.origin, file: file, key: "destinations.\(destination.name)", "a second destination with this name")
            }
        }
        var channelNames = Set<String>()
        var addresses = [String: String]()
        var fhirPaths = [String: String]()
        var folders = [String: String]()
        for channel in channels {
            guard channelNames.insert(channel.name).inserted else {
                throw Self.error(channel.origin, file: file, key: "channels.\(channel.name)", "a second channel with this name")
            }
            switch channel.source {
            case .mllp(let listener):
                let address = "\(listener.host):\(listener.port)"
                if listener.port != 0, let other = addresses.updateValue(channel.name, forKey: address) {
                    throw Self.error(channel.origin, file: file, key: "channels.\(channel.name).mllp", "listens on \(address), as channel \(other) does")
                }
            case .folder(let folder):
                if let other = folders.updateValue(channel.name, forKey: folder.folder.standardizedFileURL.path) {
                    throw ConfigurationError(file: file, key: "channels.\(channel.name).folder.path", message: "\(folder.folder.path) is already watched by channel \(other)")
                }
            case .fhir(let source):
                if let other = fhirPaths.updateValue(channel.name, forKey: source.path) {
                    throw Self.error(channel.origin, file: file, key: "channels.\(channel.name).fhir.path", "\(source.path) is already the path of channel \(other)")
                }
                if let allow = channel.allow, !allow.clientSubjects.isEmpty, http.tls == nil || (http.tlsFiles.map { $0["client-ca"] == nil } ?? false) {
                    throw Self.error(channel.origin, file: file, key: "channels.\(channel.name).allow.client-subjects", "client subjects need mutual TLS on the HTTP listener: http: {tls: {certificate, private-key, client-ca}}")
                }
                for (index, route) in channel.routes.enumerated() {
                    if !route.filter.conditions.isEmpty {
                        throw Self.error(channel.origin, file: file, key: "channels.\(channel.name).routes[\(index)].when", "conditions read HL7 v2 fields; a FHIR channel routes by message-types and sending-facilities")
                    }
                    if route.orderingKey != nil {
                        throw Self.error(channel.origin, file: file, key: "channels.\(channel.name).routes[\(index)].ordering-key", "an ordering key is an HL7 v2 field path; a FHIR channel has none")
                    }
                }
            }
            for (index, route) in channel.routes.enumerated() where !destinationNames.contains(route.destination) {
                throw Self.error(channel.origin, file: file, key: "channels.\(channel.name).routes[\(index)].destination", "no destination named \"\(route.destination)\"")
            }
        }
    }
}
