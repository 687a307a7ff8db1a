public import AsyncHTTPClient
public import FHIR
public import Foundation
public import Logging
public import NationalPlatform
public import Store

/// Delivers FHIR resources to a FHIR server such as the national health data platform, through
/// a ``NationalPlatform/NationalPlatformClient`` (OAuth2 token cached and renewed once on 401,
/// conditional creates so that a retried delivery creates no duplicate).
///
/// The payload must be FHIR (JSON or XML): a `transaction` or `batch` Bundle, or one resource.
/// Before anything is sent, the content is validated (R4 plus the configured implementation
/// guide) and each resource — the root and every entry's resource — against the configured
/// profiles of its type. Content with errors is not sent: it is a dead letter whose reason holds
/// the issues, and the attempt's response the OperationOutcome.
///
/// The server's answer decides (``NationalPlatform/PlatformResult``): 2xx → delivered, the
/// response Bundle (or OperationOutcome) kept as the attempt's response; 401 after a new token,
/// 408, 429, 5xx, no answer → retried (honouring `Retry-After`); any other 4xx → a dead letter
/// whose reason holds the OperationOutcome's diagnostics.
public struct FHIRServerDestination: Destination {
    /// Where the server is, how to log in and what content must conform to.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// The client's settings (base URL, token URL, credentials, timeout).
        public var client: NationalPlatformClient.Configuration
        /// What resources are validated with: R4, plus the implementation guide's resources.
        public var definitions: Definitions
        /// The implementation guide folder read into ``definitions``, when there is one.
        public var implementationGuide: String?
        /// Profile URLs; each resource is validated against those whose type is its own.
        public var profiles: [String]
        /// The PEM file the `private_key_jwt` key was read from, when the client uses one.
        public var privateKeyFile: String?

        /// Creates a configuration.
        public init(
            client: NationalPlatformClient.Configuration, definitions: Definitions = .r4, implementationGuide: String? = nil, profiles: [String] = [],
            privateKeyFile: String? = nil
        ) {
            self.client = client
            self.definitions = definitions
            self.implementationGuide = implementationGuide
            self.profiles = profiles
            self.privateKeyFile = privateKeyFile
        }

        /// URLs and profiles; credentials redacted.
        public var description: String {
            "FHIRServerDestination.Configuration(\(client), profiles: \(profiles))"
        }
    }

    /// The client requests go through.
    public let client: NationalPlatformClient
    /// The validator content is checked with.
    public let validator: Validator
    /// Profile URLs by the resource type they constrain.
    public let profilesByType: ProfilesByType

    /// Creates a destination with its own client.
    public init(configuration: Configuration, httpClient: HTTPClient = .shared, logger: Logger) {
        self.init(
            client: NationalPlatformClient(configuration: configuration.client, httpClient: httpClient, logger: logger),
            definitions: configuration.definitions, profiles: configuration.profiles)
    }

    /// Creates a destination on a client (several destinations may share one, and its token).
    public init(client: NationalPlatformClient, definitions: Definitions = .r4, profiles: [String] = []) {
        self.client = client
        self.validator = Validator.standard(definitions: definitions)
        self.profilesByType = ProfilesByType(profiles, definitions: definitions)
    }

    public func deliver(_ lease: Lease) async -> DeliveryResult {
        guard lease.format == .fhirJSON || lease.format == .fhirXML else {
            let reason = "a FHIR server takes FHIR resources (fhir+json or fhir+xml), not \(lease.format.rawValue)"
            return DeliveryResult(verdict: .reject(reason: reason), error: reason)
        }
        let resource: Element
        switch validated(lease.payload, format: lease.format) {
        case .success(let valid):
            resource = valid
        case .failure(let invalid):
            // Each distinct error once (a resource checked against R4 and its profiles may give the same one twice).
            var errors: [String] = []
            for issue in invalid.result.errors {
                let text = "\(issue.expression.isEmpty ? "" : issue.expression + ": ")\(issue.message)"
                if !errors.contains(text) { errors.append(text) }
            }
            let more = errors.count > 10 ? " (and \(errors.count - 10) more)" : ""
            let reason = "not sent, invalid FHIR content: " + errors.prefix(10).joined(separator: "; ") + more
            return DeliveryResult(
                verdict: .reject(reason: reason), responseCode: "invalid", response: invalid.result.operationOutcome.json(), error: reason)
        }
        return Self.deliveryResult(await client.send(resource))
    }

    /// Content that failed validation, with what was found.
    package struct Invalid: Error {
        package var result: ValidationResult
    }

    /// Reads and validates the payload as it will be sent (a transaction's entries with their
    /// conditional requests, ``NationalPlatform/ConditionalCreate/prepared(_:)``, without the
    /// bus's own extensions, ``internalExtensionPrefix``): R4 and the
    /// implementation guide, each resource against the profiles of its type.
    package func validated(_ payload: [UInt8], format: MessageFormat) -> Result<Element, Invalid> {
        let read: (Element?, [FormatError])
        do {
            read = format == .fhirXML
                ? try Element.read(xml: payload, definitions: validator.definitions)
                : try Element.read(json: payload, definitions: validator.definitions)
        } catch {
            return .failure(Invalid(result: ValidationResult(issues: [ValidationIssue(reading: error, severity: .fatal)])))
        }
        guard let original = read.0 else {
            return .failure(Invalid(result: ValidationResult(issues: read.1.map { ValidationIssue(reading: $0, severity: .fatal) })))
        }
        let resource = Self.withoutInternalExtensions(ConditionalCreate.prepared(original))
        let issues = read.1.map { ValidationIssue(reading: $0) } + validator.validate(resource, profilesByType: profilesByType)
        let result = ValidationResult(issues: issues)
        return result.hasErrors ? .failure(Invalid(result: result)) : .success(resource)
    }

    /// The URL prefix of the bus's own extensions (`urn:lienthong:claims:…`: what the claims maps
    /// read from a mapped Bundle, such as a drug's bid or a treatment outcome): a FHIR server
    /// has no definition of them, so they are not sent.
    public static let internalExtensionPrefix = "urn:lienthong:"

    /// The element without the bus's own extensions (``internalExtensionPrefix``), at any depth.
    static func withoutInternalExtensions(_ element: Element) -> Element {
        var element = element
        element.children.removeAll { child in
            (child.name == "extension" || child.name == "modifierExtension")
                && child.child(named: "url")?.value?.text.hasPrefix(internalExtensionPrefix) == true
        }
        element.children = element.children.map(withoutInternalExtensions)
        return element
    }

    /// The attempt's record of the server's answer.
    static func deliveryResult(_ result: PlatformResult) -> DeliveryResult {
        let code = result.httpStatus.map { "HTTP \($0)" } ?? "no answer"
        let response = result.body.isEmpty ? nil : Array(result.body.utf8)
        switch result.outcome {
        case .delivered:
            return DeliveryResult(verdict: .delivered, responseCode: code, response: response)
        case .retryLater(let retryAfter):
            let reason = result.reason ?? "the server asked to try again"
            return DeliveryResult(verdict: .retry(reason: reason, retryAfter: retryAfter), responseCode: code, response: response, error: reason)
        case .rejected:
            let reason = "rejected by the FHIR server: \(result.reason ?? "no reason given")"
            return DeliveryResult(verdict: .reject(reason: reason), responseCode: code, response: response, error: reason)
        }
    }
}
