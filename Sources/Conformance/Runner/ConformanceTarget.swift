public import Foundation

/// What a run tests: LienThong itself in-process (`local`), or someone else's system reached
/// over MLLP and/or HTTP.
///
/// ```swift
/// let target = try ConformanceTarget(["mllp://10.0.0.5:2575", "http://10.0.0.5:8080/fhir"])
/// ```
public struct ConformanceTarget: Sendable, CustomStringConvertible {
    /// An MLLP listener's address.
    public struct Address: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
        public var description: String { "mllp://\(host):\(port)" }
    }

    /// Whether the runner starts the bus in-process (every case kind can run).
    public var isLocal: Bool
    /// A remote MLLP listener (HL7 v2 cases go there).
    public var mllp: Address?
    /// A remote FHIR base URL (FHIR cases post there).
    public var fhirBase: URL?

    /// The in-process bus.
    public static let local = ConformanceTarget(isLocal: true, mllp: nil, fhirBase: nil)

    /// Creates a target.
    public init(isLocal: Bool, mllp: Address?, fhirBase: URL?) {
        self.isLocal = isLocal
        self.mllp = mllp
        self.fhirBase = fhirBase
    }

    /// Reads `--target` values: `local`, or at most one `mllp://host:port` and one
    /// `http(s)://host:port/base` (no value: `local`).
    public init(_ values: [String]) throws(ConformanceError) {
        self.init(isLocal: values.isEmpty, mllp: nil, fhirBase: nil)
        for value in values {
            if value == "local" {
                guard values.count == 1 else { throw ConformanceError(.invalidTarget, "local cannot be combined with another target") }
                isLocal = true
            } else if value.hasPrefix("mllp://") {
                let rest = value.dropFirst("mllp://".count).split(separator: "/").first.map(String.init) ?? ""
                guard mllp == nil, let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]), (1...65535).contains(port)
                else { throw ConformanceError(.invalidTarget, "\(value): expected mllp://host:port (once)") }
                mllp = Address(host: String(rest[..<colon]), port: port)
            } else if value.hasPrefix("http://") || value.hasPrefix("https://") {
                guard fhirBase == nil, let url = URL(string: value), url.host != nil else {
                    throw ConformanceError(.invalidTarget, "\(value): expected http(s)://host[:port]/base (once)")
                }
                fhirBase = url
            } else {
                throw ConformanceError(.invalidTarget, "\(value): expected local, mllp://host:port or http(s)://host:port/base")
            }
        }
    }

    public var description: String {
        if isLocal { return "local" }
        return [mllp?.description, fhirBase?.absoluteString].compactMap { $0 }.joined(separator: " ")
    }
}
