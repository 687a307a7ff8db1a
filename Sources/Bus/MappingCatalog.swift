public import Foundation
import FHIR
public import HL7v2
import InsuranceVN
public import Mapping
public import Store
import Synchronization

/// The mappings folder (`mappings/`) as the running bus uses it: loaded and checked once, then
/// replaced on ``reload()`` — only by a version that loads without errors, so a broken edit
/// leaves the previous mappings running (hot reload: see ``MappingWatcher``).
///
/// Routes name a mapping (``Route/mapping``); the router maps each message for such a route
/// with ``map(_:format:message:with:)`` and enqueues the result.
public final class MappingCatalog: Sendable {
    /// The folder the mappings are read from.
    public let folder: URL
    /// The facility code claims are built for (`mappings.claims.facility`); the ``claims``
    /// mapping needs it.
    public let claimsFacility: String?
    private let state: Mutex<State>

    struct State {
        var library: MappingLibrary
        /// The FHIR → claims maps (`fhir-to-claims/`), when the folder has them.
        var claimMaps: ClaimMapLibrary?
        var fingerprint: Fingerprint
        var generation: Int
    }

    /// The files' paths, sizes and modification times: a change of any means a reload.
    struct Fingerprint: Equatable {
        var files: [String: [Double]]
    }

    /// The mapping name that picks the message map by the message's type and event (MSH-9).
    public static let byEvent = "v2-to-fhir"
    /// The mapping name that picks the FHIR → HL7 v2 map by the Bundle (its MessageHeader's
    /// event, or the one map whose condition holds).
    public static let byBundle = "fhir-to-v2"
    /// The mapping name that builds an insurance claim (a `GIAMDINHHS` envelope,
    /// ``Store/MessageFormat/claimsXML``) from a FHIR Bundle or an HL7 v2 message, with the
    /// maps under `fhir-to-claims/` (`claims with vn-core`: HL7 v2 mapped with that profile first).
    public static let claims = "claims"

    /// Loads and checks every mapping under `folder`, the claims maps (`fhir-to-claims/`) when
    /// the folder has them.
    ///
    /// - Parameter claimsFacility: the facility code claims are built for.
    /// - Throws: ``Mapping/MappingErrors`` with every problem found, each with file and line.
    public init(folder: URL, claimsFacility: String? = nil) throws(MappingErrors) {
        self.folder = folder.standardizedFileURL
        self.claimsFacility = claimsFacility
        let fingerprint = Self.fingerprint(of: self.folder)
        let library = try MappingLibrary(folder: self.folder)
        let claimMaps = try Self.claimMaps(in: self.folder)
        state = Mutex(State(library: library, claimMaps: claimMaps, fingerprint: fingerprint, generation: 1))
    }

    /// The claims maps of a folder; `nil` when it has no `fhir-to-claims` folder.
    static func claimMaps(in folder: URL) throws(MappingErrors) -> ClaimMapLibrary? {
        var isFolder: ObjCBool = false
        let path = folder.appendingPathComponent(ClaimMapLibrary.folderName).path
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else { return nil }
        return try ClaimMapLibrary(folder: folder)
    }

    /// The claims maps in use, when the folder has them.
    var claimMaps: ClaimMapLibrary? { state.withLock { $0.claimMaps } }

    /// The mappings in use.
    public var library: MappingLibrary { state.withLock { $0.library } }

    /// How many times mappings were loaded (1 after ``init(folder:)``); a successful reload adds one.
    public var generation: Int { state.withLock { $0.generation } }

    /// What a reload did.
    public enum ReloadResult: Sendable {
        /// Nothing changed on disk (``reloadIfChanged()`` only).
        case unchanged
        /// The new mappings are in use.
        case reloaded(generation: Int)
        /// The folder does not load; the previous mappings stay in use.
        case failed(MappingErrors)
    }

    /// Loads the folder again and, when it loads without errors, uses it from now on.
    @discardableResult
    public func reload() -> ReloadResult {
        let fingerprint = Self.fingerprint(of: folder)
        do {
            let library = try MappingLibrary(folder: folder)
            let claimMaps = try Self.claimMaps(in: folder)
            let generation = state.withLock { state in
                state = State(library: library, claimMaps: claimMaps, fingerprint: fingerprint, generation: state.generation + 1)
                return state.generation
            }
            return .reloaded(generation: generation)
        } catch {
            // Remember what failed, so an unchanged broken folder is not reported again and again.
            state.withLock { $0.fingerprint = fingerprint }
            return .failed(error)
        }
    }

    /// ``reload()`` when a file under the folder was added, removed or changed since the last load.
    public func reloadIfChanged() -> ReloadResult {
        let fingerprint = Self.fingerprint(of: folder)
        guard state.withLock({ $0.fingerprint != fingerprint }) else { return .unchanged }
        return reload()
    }

    static func fingerprint(of folder: URL) -> Fingerprint {
        var files: [String: [Double]] = [:]
        let manager = FileManager.default
        let enumerator = manager.enumerator(atPath: folder.path)
        while let relative = enumerator?.nextObject() as? String {
            guard let attributes = try? manager.attributesOfItem(atPath: folder.appendingPathComponent(relative).path),
                attributes[.type] as? FileAttributeType == .typeRegular
            else { continue }
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            let size = (attributes[.size] as? NSNumber)?.doubleValue ?? 0
            files[relative] = [modified, size]
        }
        return Fingerprint(files: files)
    }

    // MARK: Mapping messages

    /// Whether `name` names a mapping a route can use on messages of `format`: for HL7 v2
    /// ``byEvent`` or a message map, optionally `with` a profile option (`v2-to-fhir with
    /// vn-core`); for FHIR ``byBundle`` or a FHIR → HL7 v2 message map.
    public func contains(_ name: String, for format: MessageFormat = .hl7v2) -> Bool {
        let (map, profile) = Self.parts(of: name)
        let library = self.library
        if map == Self.claims {
            guard claimMaps != nil else { return false }
            return profile.map { !format.isFHIR && library.profiles[$0] != nil } ?? true
        }
        if format.isFHIR {
            return profile == nil && (map == Self.byBundle || library.fhirToV2MapNames.messages.contains(map))
        }
        return (map == Self.byEvent || library.mapNames.messages.contains(map)) && (profile.map { library.profiles[$0] != nil } ?? true)
    }

    /// The names ``contains(_:for:)`` accepts for messages of `format` (profile options aside).
    public func names(for format: MessageFormat) -> [String] {
        let claims = claimMaps == nil ? [] : [Self.claims]
        return format.isFHIR ? [Self.byBundle] + claims + library.fhirToV2MapNames.messages : [Self.byEvent] + claims + library.mapNames.messages
    }

    /// A route's mapping split into the map and the profile option: `ORU_R01 with vn-core`.
    static func parts(of name: String) -> (map: String, profile: String?) {
        let words = name.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard words.count == 3, words[1] == "with" else { return (name, nil) }
        return (words[0], words[2])
    }

    /// A message mapped for delivery.
    public struct Output: Sendable {
        /// The bytes to deliver.
        public var payload: [UInt8]
        /// What they are.
        public var format: MessageFormat
        /// The mapping's warnings (file:line, input place; never values).
        public var warnings: [MappingIssue]
    }

    /// Why a message could not be mapped: no message map, unreadable input, or a problem of
    /// severity error. The description names the mapping, the rules (file:line) and the input
    /// places, never a value, so it can be logged and shown as a dead-letter reason.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        /// The mapping's name.
        public var mapping: String
        /// What went wrong.
        public var problems: [String]

        /// A route's mapping on a bus that was started without a mappings folder.
        static func noMappings(_ mapping: String) -> Failure {
            Failure(mapping: mapping, problems: ["the bus has no mappings folder"])
        }

        public var description: String {
            "mapping \(mapping) failed: " + problems.prefix(5).joined(separator: "; ")
                + (problems.count > 5 ? "; and \(problems.count - 5) more" : "")
        }
    }

    /// Maps one stored message with the mapping `name`: HL7 v2 to a FHIR Bundle, FHIR (JSON or
    /// XML) to HL7 v2.
    ///
    /// - Parameters:
    ///   - raw: the message's bytes.
    ///   - format: what they are.
    ///   - message: the HL7 v2 message already parsed, if the caller has it.
    ///   - visit: for ``claims`` on HL7 v2, the visit's earlier messages (ADT, RDE, ORU) the
    ///     claim is built on with this one; other mappings ignore them.
    public func map(
        _ raw: [UInt8], format: MessageFormat, message: HL7v2.Message? = nil, visit: [HL7v2.Message] = [], with name: String
    ) -> Result<Output, Failure> {
        if Self.parts(of: name).map == Self.claims { return buildClaim(raw, format: format, message: message, visit: visit, with: name) }
        if format.isFHIR { return mapFHIR(raw, format: format, with: name) }
        guard format == .hl7v2 else {
            return .failure(Failure(mapping: name, problems: ["mappings take HL7 v2 or FHIR; this message is \(format)"]))
        }
        let parsed: HL7v2.Message
        if let message {
            parsed = message
        } else {
            do {
                parsed = try HL7v2.Message(raw)
            } catch {
                return .failure(Failure(mapping: name, problems: ["the message does not parse as HL7 v2"]))
            }
        }
        let (map, profile) = Self.parts(of: name)
        let engine = V2ToFHIR(library: library, options: .init(profile: profile))
        do {
            let result = map == Self.byEvent ? try engine.convert(parsed) : try engine.convert(parsed, map: map)
            let errors = result.issues.filter { $0.severity == .error }
            guard errors.isEmpty else {
                return .failure(Failure(mapping: name, problems: errors.map(\.description)))
            }
            return .success(Output(payload: result.json, format: .fhirJSON, warnings: result.issues))
        } catch {
            return .failure(Failure(mapping: name, problems: [error.description]))
        }
    }

    /// FHIR → HL7 v2 (``byBundle`` or a FHIR → HL7 v2 message map).
    func mapFHIR(_ raw: [UInt8], format: MessageFormat, with name: String) -> Result<Output, Failure> {
        let library = self.library
        let engine = FHIRToV2(library: library)
        let map = name == Self.byBundle ? nil : name
        do {
            let result: FHIRToV2Result
            if format == .fhirXML {
                let bundle: FHIR.Element
                do {
                    bundle = try FHIR.Element(xml: raw, definitions: library.definitions)
                } catch {
                    return .failure(Failure(mapping: name, problems: ["the message does not read as FHIR XML: \(error.message)"]))
                }
                if let map {
                    result = try engine.convert(bundle, map: map)
                } else {
                    result = try engine.convert(bundle)
                }
            } else {
                result = try engine.convert(json: raw, map: map)
            }
            let errors = result.issues.filter { $0.severity == .error }
            guard errors.isEmpty else {
                return .failure(Failure(mapping: name, problems: errors.map(\.description)))
            }
            return .success(Output(payload: result.er7, format: .hl7v2, warnings: result.issues))
        } catch {
            return .failure(Failure(mapping: name, problems: ["\(error)"]))
        }
    }
}
