public import FHIR
public import MLLP

/// One way into the bus: a listener (MLLP), an HTTP path (FHIR) or a watched folder, the intake settings of what it
/// receives, and the routes that decide where each message goes.
public struct ChannelConfiguration: Sendable {
    /// Where a channel's messages come from.
    public enum Source: Sendable {
        /// HL7 v2 over MLLP on its own listener.
        case mllp(MLLPServer.Configuration)
        /// FHIR over HTTP under a base path of the bus's HTTP listener.
        case fhir(FHIRSource)
        /// HL7 v2 and FHIR files dropped into a watched folder.
        case folder(FolderSource.Configuration)
    }

    /// A FHIR channel's endpoint: `POST <path>`, `POST <path>/<type>`, `POST <path>/$process-message`,
    /// `GET <path>/metadata`.
    public struct FHIRSource: Sendable {
        /// The base path, e.g. `/fhir`.
        public var path: String
        /// Deduplication window, body size limit, required profiles.
        public var intake: FHIRIntake.Configuration
        /// What resources are validated against: R4, plus the implementation guides' profiles,
        /// value sets and code systems.
        public var definitions: Definitions
        /// The implementation guide folders loaded into ``definitions``.
        public var implementationGuides: [String]

        /// Creates a FHIR source.
        public init(
            path: String = "/fhir", intake: FHIRIntake.Configuration = FHIRIntake.Configuration(),
            definitions: Definitions = .r4, implementationGuides: [String] = []
        ) {
            self.path = path
            self.intake = intake
            self.definitions = definitions
            self.implementationGuides = implementationGuides
        }
    }

    /// The channel's name, stored with each message.
    public var name: String
    /// Where its messages come from.
    public var source: Source
    /// Deduplication window and the patient identifier's path of an MLLP channel.
    public var intake: Intake.Configuration
    /// The destinations, each with its filter and ordering key.
    public var routes: [Route]
    /// Who may send to the channel (MLLP and FHIR channels); `nil`: anyone who can connect. A
    /// reload replaces it without restarting the listener: it applies to the next connection
    /// (MLLP) or request (FHIR).
    public var allow: SenderAllowList?
    /// Where the channel is defined (file and line), for errors found after reading.
    package var origin: ConfigurationOrigin?
    /// The channel's settings but its routes, as read (see ``ConfigurationOrigin``): a reload
    /// keeps a channel's listener running when this is unchanged; `nil` (a configuration made
    /// in code) counts as changed.
    package var fingerprint: String?
    /// The TLS files of its MLLP connection, as read (`certificate`, `private-key`, …: path), for
    /// `config show`; `nil` without TLS or for a configuration made in code.
    package var tlsFiles: [String: String]?

    /// Creates a channel.
    public init(name: String, source: Source, intake: Intake.Configuration = Intake.Configuration(), routes: [Route]) {
        self.name = name
        self.source = source
        self.intake = intake
        self.routes = routes
    }

    /// Creates an MLLP channel.
    public init(name: String, listener: MLLPServer.Configuration, intake: Intake.Configuration = Intake.Configuration(), routes: [Route]) {
        self.init(name: name, source: .mllp(listener), intake: intake, routes: routes)
    }

    /// The MLLP listener, for an MLLP channel.
    public var listener: MLLPServer.Configuration? {
        if case .mllp(let listener) = source { return listener }
        return nil
    }

    /// The watched folder, for a folder channel.
    public var folder: FolderSource.Configuration? {
        if case .folder(let folder) = source { return folder }
        return nil
    }

    /// The FHIR endpoint, for a FHIR channel.
    public var fhir: FHIRSource? {
        if case .fhir(let source) = source { return source }
        return nil
    }
}
