public import FHIR

/// A vocabulary map: a FHIR ConceptMap (R4) read into a lookup from source codes to target codes,
/// e.g. HL7 table 0001 → `administrative-gender`.
///
/// Only the ConceptMap's mapped elements count: targets with equivalence `unmatched` or
/// `disjoint` are not mappings. A group's `unmapped` decides what an unknown code becomes:
/// `fixed` gives its code, `provided` keeps the source code (in the target system), otherwise
/// there is no result.
///
/// ```swift
/// let gender = try VocabularyMap(conceptMap: try Element(json: bytes))
/// gender.target(of: "F")?.code   // "female"
/// ```
public struct VocabularyMap: Sendable {
    /// One target code.
    public struct Target: Sendable, Hashable {
        /// The target code system, when the map names one.
        public var system: String?
        /// The code.
        public var code: String
        /// Its display, when the map gives one.
        public var display: String?
    }

    struct Group: Sendable {
        var source: String?
        var target: String?
        var targets: [String: Target]
        var unmapped: Unmapped?
        /// The reverse lookup, target code → source code (see ``VocabularyMap/source(of:system:)``).
        var sources: [String: String] = [:]
    }

    enum Unmapped: Sendable {
        case fixed(Target)
        case provided
    }

    /// The ConceptMap's canonical URL.
    public let url: String?
    /// The ConceptMap's name (or id).
    public let name: String?
    let groups: [Group]

    /// Reads a ConceptMap resource.
    ///
    /// - Throws: ``ConversionError`` (code `invalid-concept-map`) when the resource is not a
    ///   ConceptMap or a group maps one source code twice to different codes.
    public init(conceptMap: Element) throws(ConversionError) {
        guard conceptMap.type == "ConceptMap" else {
            throw ConversionError(.invalidConceptMap, "a vocabulary map is a ConceptMap, not a \(conceptMap.type)")
        }
        url = conceptMap.child(named: "url")?.value?.text
        name = conceptMap.child(named: "name")?.value?.text ?? conceptMap.child(named: "id")?.value?.text
        var groups: [Group] = []
        for groupElement in conceptMap.children(named: "group") {
            let source = groupElement.child(named: "source")?.value?.text
            let targetSystem = groupElement.child(named: "target")?.value?.text
            var targets: [String: Target] = [:]
            var sources: [String: (code: String, isExact: Bool)] = [:]
            for element in groupElement.children(named: "element") {
                guard let code = element.child(named: "code")?.value?.text else { continue }
                for target in element.children(named: "target") {
                    let equivalence = target.child(named: "equivalence")?.value?.text
                    guard equivalence != "unmatched", equivalence != "disjoint",
                          let targetCode = target.child(named: "code")?.value?.text else { continue }
                    let mapped = Target(system: targetSystem, code: targetCode, display: target.child(named: "display")?.value?.text)
                    if let earlier = targets[code], earlier.code != mapped.code {
                        throw ConversionError(.invalidConceptMap, "the group from \(source ?? "?") maps the code \(code) to both \(earlier.code) and \(mapped.code)")
                    }
                    targets[code] = mapped
                    // Read backwards, the first source code that is equal or equivalent wins,
                    // else the first of any other equivalence (`wider`, `narrower`, …).
                    let isExact = equivalence == nil || equivalence == "equal" || equivalence == "equivalent"
                    if sources[targetCode].map({ !$0.isExact && isExact }) ?? true { sources[targetCode] = (code, isExact) }
                }
            }
            var unmapped: Unmapped?
            if let element = groupElement.child(named: "unmapped") {
                switch element.child(named: "mode")?.value?.text {
                case "fixed":
                    if let code = element.child(named: "code")?.value?.text {
                        unmapped = .fixed(Target(system: targetSystem, code: code, display: element.child(named: "display")?.value?.text))
                    }
                case "provided":
                    unmapped = .provided
                default:
                    break
                }
            }
            groups.append(Group(source: source, target: targetSystem, targets: targets, unmapped: unmapped, sources: sources.mapValues(\.code)))
        }
        self.groups = groups
    }

    /// The target of a source code: from the group of `system` when given (else the first group
    /// that maps the code), then the groups' `unmapped` rules; `nil` when the code has none.
    public func target(of code: String, system: String? = nil) -> Target? {
        let candidates = system.map { system in groups.filter { $0.source == nil || $0.source == system } } ?? groups
        for group in candidates {
            if let target = group.targets[code] { return target }
        }
        for group in candidates {
            switch group.unmapped {
            case .fixed(let target): return target
            case .provided: return Target(system: group.target, code: code, display: nil)
            case nil: continue
            }
        }
        return nil
    }
}
