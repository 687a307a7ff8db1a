public import Foundation
public import MLLP

/// One way out of the bus: an endpoint and the policy of its queue.
public struct DestinationConfiguration: Sendable {
    /// Where entries are delivered.
    public enum Endpoint: Sendable {
        /// An HL7 system over MLLP (one connection per worker).
        case mllp(MLLPClient.Configuration)
        /// An HTTP endpoint.
        case http(HTTPDestination.Configuration)
        /// A folder, one file per entry.
        case file(directory: URL)
        /// The insurance claims gateway: claim envelopes submitted, check-ins sent.
        case insuranceGateway(InsuranceGatewayDestination.Configuration)
        /// A FHIR server (the national health data platform): validated resources POSTed as conditional creates.
        case fhirServer(FHIRServerDestination.Configuration)
        /// The national e-prescription system: FHIR Bundles built into prescriptions and submitted.
        case ePrescription(EPrescriptionDestination.Configuration)
    }

    /// The destination's name (its queue).
    public var name: String
    /// Where entries go.
    public var endpoint: Endpoint
    /// Retry, key-failure policy, lease and batch size.
    public var worker: DestinationWorker.Configuration
    /// How many entries are delivered at the same time (different ordering keys only).
    public var concurrency: Int
    /// A paused destination keeps its queue but delivers nothing.
    public var isPaused: Bool
    /// Where the destination is defined (file and line), for errors found after reading.
    package var origin: ConfigurationOrigin?
    /// The destination's settings as read: a reload keeps its workers running when this is
    /// unchanged; `nil` (a configuration made in code) counts as changed.
    package var fingerprint: String?
    /// The TLS files of its MLLP connection, as read (`certificate`, `private-key`, …: path), for
    /// `config show`; `nil` without TLS or for a configuration made in code.
    package var tlsFiles: [String: String]?

    /// Creates a destination.
    public init(
        name: String,
        endpoint: Endpoint,
        worker: DestinationWorker.Configuration = DestinationWorker.Configuration(),
        concurrency: Int = 1,
        isPaused: Bool = false
    ) {
        self.name = name
        self.endpoint = endpoint
        self.worker = worker
        self.concurrency = concurrency
        self.isPaused = isPaused
    }
}
