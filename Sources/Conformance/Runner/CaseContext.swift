import FHIR
import Foundation
import InsuranceVN
import Mapping
import Synchronization

/// Where a case runs: its suite, the target (with the local bus's addresses when local), the
/// receivers' log, and what cases share (mapping libraries and validators, loaded once).
struct CaseContext: Sendable {
    let suite: ConformanceSuite
    let target: ConformanceTarget
    let bus: LocalBus?
    let shared: SharedResources
    /// Whether `map` cases write their actual output over the golden file (`--update-goldens`).
    let updatesGoldens: Bool
    /// The case's time limit: waits inside the case (ACKs, deliveries) end by then.
    let timeout: Duration

    /// The MLLP listener an HL7 v2 case sends to: the local bus's channel (by default its first
    /// MLLP channel) or the remote target.
    func mllpAddress(channel: String?) throws(ConformanceError) -> ConformanceTarget.Address {
        if let bus {
            let name = channel ?? bus.addresses.mllpOrder.first
            guard let name, let address = bus.addresses.mllp[name] else {
                throw ConformanceError(.invalidManifest, "the local bus has no MLLP channel \(channel ?? "")")
            }
            return address
        }
        guard let address = target.mllp else { throw ConformanceError(.invalidTarget, "the target has no MLLP address") }
        return address
    }

    /// The FHIR base URL a FHIR case posts to.
    func fhirBase(channel: String?) throws(ConformanceError) -> URL {
        if let bus {
            let paths = bus.addresses.fhirPaths
            let path = channel.flatMap { paths[$0] } ?? (channel == nil ? paths.values.sorted().first : nil)
            guard let http = bus.addresses.http, let path else {
                throw ConformanceError(.invalidManifest, "the local bus has no FHIR channel \(channel ?? "")")
            }
            return URL(string: "http://\(http.host):\(http.port)\(path)")!
        }
        guard let base = target.fhirBase else { throw ConformanceError(.invalidTarget, "the target has no HTTP address") }
        return base
    }
}

/// What the cases of a run share, loaded on first use: mapping libraries per folder, FHIR
/// definitions and validators per implementation guide.
final class SharedResources: Sendable {
    private let libraries = Mutex<[URL: MappingLibrary]>([:])
    private let validators = Mutex<[String: Validator]>([:])
    private let claimMapLibraries = Mutex<[URL: ClaimMapLibrary]>([:])

    /// The claims maps (`fhir-to-claims`) of a mappings folder.
    func claimMaps(_ folder: URL) throws -> ClaimMapLibrary {
        try claimMapLibraries.withLock { cache in
            if let library = cache[folder] { return library }
            let library = try ClaimMapLibrary(folder: folder)
            cache[folder] = library
            return library
        }
    }

    func library(_ folder: URL) throws -> MappingLibrary {
        try libraries.withLock { cache in
            if let library = cache[folder] { return library }
            let library = try MappingLibrary(folder: folder)
            cache[folder] = library
            return library
        }
    }

    /// The validator with R4 and, when given, the guide's conformance resources.
    func validator(implementationGuide folder: URL?) throws -> Validator {
        try validators.withLock { cache in
            let key = folder?.path ?? ""
            if let validator = cache[key] { return validator }
            var definitions = Definitions.r4
            if let folder {
                let (resources, _) = try Definitions.resources(inFolder: folder.path)
                definitions = definitions.adding(resources: resources)
            }
            let validator = Validator.standard(definitions: definitions)
            cache[key] = validator
            return validator
        }
    }
}
