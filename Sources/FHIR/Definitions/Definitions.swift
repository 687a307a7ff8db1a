import Foundation
import Synchronization

/// The definitions FHIR content is read and validated against: StructureDefinitions (types,
/// resources, profiles) and expanded ValueSets.
///
/// ``r4`` holds FHIR R4 4.0.1, built from the official files by `scripts/fhir-definitions` and
/// shipped as a resource, so no network is needed. Definitions are compiled the first time they
/// are asked for. More (an implementation guide's profiles) are added with
/// ``adding(resources:)``.
///
/// ```swift
/// let patient = Definitions.r4.structure(forType: "Patient")
/// patient?.children(of: "Patient").map(\.name)   // ["id", "meta", …, "link"]
/// ```
public final class Definitions: Sendable {
    /// A value set expansion: the codes it holds, or why it could not be expanded here.
    public struct ValueSet: Sendable {
        /// The canonical URL.
        public var url: String
        /// `(system, code)` of every code; `nil` when not expanded (needs a terminology server).
        public var codes: Set<Pair>?
        /// Displays, where known.
        public var displays: [Pair: String]
        /// Why there is no expansion.
        public var unexpandedReason: String?

        /// A system and a code.
        public struct Pair: Sendable, Hashable {
            public var system: String
            public var code: String
            public init(system: String, code: String) {
                self.system = system
                self.code = code
            }
        }

        /// Whether the set holds `code` (in `system`, or in any system when `nil`).
        public func contains(code: String, system: String?) -> Bool? {
            guard let codes else { return nil }
            if let system { return codes.contains(Pair(system: system, code: code)) }
            return codes.contains { $0.code == code }
        }
    }

    /// A conformance resource not compiled yet: a place in a JSON document (read only when
    /// needed), or a tree already read.
    private enum Source: Sendable {
        case json(JSONDocument, Int)
        case element(Element)

        var element: Element {
            switch self {
            case .json(let document, let index): Element(untyped: document, at: index, name: "resource")
            case .element(let element): element
            }
        }
    }

    private struct Sources: Sendable {
        /// Resources not compiled yet, by canonical URL.
        var structures: [String: Source] = [:]
        var valueSets: [String: Source] = [:]
        /// Canonical URL of the base definition of each core type, by type name.
        var typeURLs: [String: String] = [:]
        /// The names of the resource types (abstract ones included).
        var resourceTypes: Set<String> = []
        /// The `baseDefinition` of every StructureDefinition: a type whose URL is not among them
        /// is no other type's ancestor.
        var baseURLs: Set<String> = []
        /// Other conformance resources (Questionnaires, CodeSystems, …) by canonical URL.
        var others: [String: Source] = [:]
    }

    /// A structure's URL and an element path in it.
    private struct ChildrenKey: Hashable, Sendable {
        var url: String
        var path: String
    }

    private struct Compiled: Sendable {
        var structures: [String: StructureDefinition] = [:]
        var structuresByType: [String: StructureDefinition] = [:]
        var lineages: [String: [String]] = [:]
        var children: [ChildrenKey: ChildDefinitions] = [:]
        var valueSets: [String: ValueSet] = [:]
    }

    private let sources: Sources
    private let compiled = Mutex(Compiled())

    /// FHIR R4 4.0.1.
    public static let r4: Definitions = {
        guard let url = Bundle.module.url(forResource: "r4-core", withExtension: "json"),
            let data = try? Data(contentsOf: url)
        else {
            preconditionFailure("the FHIR R4 definitions resource (r4-core.json) is missing from the FHIR module")
        }
        do {
            return try Definitions(bundle: [UInt8](data))
        } catch {
            preconditionFailure("the FHIR R4 definitions resource does not parse: \(error)")
        }
    }()

    /// Reads definitions from a JSON Bundle (or a single resource) of StructureDefinitions and
    /// ValueSets. Only the URLs and types are read now; each resource is compiled the first time
    /// it is used.
    public init(bundle bytes: [UInt8]) throws(FormatError) {
        let document = try JSONDocument(parsing: bytes)
        var resources: [Int] = []
        func member(_ object: Int, _ name: String) -> Int? {
            guard document.kind(object) == .object else { return nil }
            return document.members(object).first { document.string($0.key, equals: name) }?.value
        }
        func text(_ object: Int, _ name: String) -> String? {
            guard let value = member(object, name), document.kind(value) == .string else { return nil }
            return document.string(value)
        }
        if text(0, "resourceType") == "Bundle", let entries = member(0, "entry"), document.kind(entries) == .array {
            for entry in document.items(entries) {
                if let resource = member(entry, "resource") { resources.append(resource) }
            }
        } else {
            resources.append(0)
        }
        var sources = Sources()
        for resource in resources {
            guard let url = text(resource, "url") else { continue }
            Self.register(
                .json(document, resource), url: url, resourceType: text(resource, "resourceType"), type: text(resource, "type"),
                kind: text(resource, "kind"), derivation: text(resource, "derivation"), baseDefinition: text(resource, "baseDefinition"),
                in: &sources)
        }
        self.sources = sources
    }

    private static func register(
        _ source: Source, url: String, resourceType: String?, type: String?, kind: String?, derivation: String?, baseDefinition: String?,
        in sources: inout Sources
    ) {
        switch resourceType {
        case "StructureDefinition":
            sources.structures[url] = source
            if let baseDefinition { sources.baseURLs.insert(unversioned(baseDefinition)) }
            if derivation != "constraint", let type, url == "http://hl7.org/fhir/StructureDefinition/\(type)" {
                sources.typeURLs[type] = url
                if kind == "resource" { sources.resourceTypes.insert(type) }
            }
        case "ValueSet":
            sources.valueSets[url] = source
        default:
            sources.others[url] = source
        }
    }

    private init(resources: [Element], base: Sources) {
        var sources = base
        for resource in resources {
            func text(_ name: String) -> String? { resource.child(named: name)?.value?.text }
            guard let url = text("url") else { continue }
            Self.register(
                .element(resource), url: url, resourceType: text("resourceType") ?? resource.type, type: text("type"),
                kind: text("kind"), derivation: text("derivation"), baseDefinition: text("baseDefinition"), in: &sources)
        }
        self.sources = sources
    }

    /// These definitions with more resources (an implementation guide's StructureDefinitions and
    /// ValueSets, read untyped from JSON or XML) added.
    public func adding(resources: [Element]) -> Definitions {
        Definitions(resources: resources, base: sources)
    }

    // MARK: Lookup

    /// The definition of a type or resource by name (`Patient`, `HumanName`, `date`).
    public func structure(forType type: String) -> StructureDefinition? {
        if let done = compiled.withLock({ $0.structuresByType[type] }) { return done }
        guard let url = sources.typeURLs[type], let structure = structure(url: url) else { return nil }
        compiled.withLock { $0.structuresByType[type] = structure }
        return structure
    }

    /// A StructureDefinition by canonical URL (a version after `|` is ignored).
    public func structure(url: String) -> StructureDefinition? {
        let url = Self.unversioned(url)
        if let done = compiled.withLock({ $0.structures[url] }) { return done }
        guard let resource = sources.structures[url]?.element else { return nil }
        let structure: StructureDefinition
        if resource.child(named: "snapshot") != nil {
            guard let compiledStructure = try? StructureDefinition(resource: resource) else { return nil }
            structure = compiledStructure
        } else {
            // Given by its differential: the snapshot is generated against the base.
            // A base that is not here (another guide's profile) is replaced by the core type, and
            // the profile says so (``StructureDefinition/missingBase``).
            guard let differential = resource.child(named: "differential"),
                let baseURL = resource.child(named: "baseDefinition")?.value?.text, baseURL != url
            else { return nil }
            var missingBase: String?
            var base = self.structure(url: baseURL)
            if base == nil, let type = resource.child(named: "type")?.value?.text {
                base = self.structure(forType: type)
                missingBase = baseURL
            }
            guard let base else { return nil }
            let elements = SnapshotGenerator(definitions: self).snapshot(differential: differential.children(named: "element"), base: base)
            guard var generated = try? StructureDefinition(resource: resource, elements: elements) else { return nil }
            generated.missingBase = missingBase ?? base.missingBase
            structure = generated
        }
        compiled.withLock { $0.structures[url] = structure }
        return structure
    }

    /// A canonical URL without its `|version`.
    static func unversioned(_ url: String) -> String {
        guard let bar = ByteScan.firstOffset(of: UInt8(ascii: "|"), in: url) else { return url }
        return String(url[..<url.utf8.index(url.utf8.startIndex, offsetBy: bar)])
    }

    /// Another conformance resource added to these definitions (a Questionnaire, a CodeSystem, …),
    /// by canonical URL, as an untyped tree.
    public func resource(url: String) -> Element? {
        let url = Self.unversioned(url)
        return sources.others[url]?.element
    }

    /// Whether `name` is a resource type (concrete or abstract).
    public func isResourceType(_ name: String) -> Bool {
        // Asked for every element: a primitive type (lower case) is answered without hashing.
        guard let first = name.utf8.first, first < UInt8(ascii: "a") || first > UInt8(ascii: "z") else { return false }
        return sources.resourceTypes.contains(name)
    }

    /// Whether `name` is a primitive type.
    public func isPrimitiveType(_ name: String) -> Bool {
        // Asked for every element: a complex type or resource (upper case) is answered without
        // hashing.
        guard let first = name.utf8.first, first >= UInt8(ascii: "a"), first <= UInt8(ascii: "z") else { return false }
        return ElementDefinition.primitiveTypes.contains(name)
    }

    /// The type names of `type` and its ancestors: `Patient`, `DomainResource`, `Resource`.
    public func lineage(of type: String) -> [String] {
        if let known = compiled.withLock({ $0.lineages[type] }) { return known }
        let names = computeLineage(of: type)
        compiled.withLock { $0.lineages[type] = names }
        return names
    }

    /// Whether `type` may be in the lineage of another type: `false` for a type no
    /// StructureDefinition is based on (`Patient`, `Period`), so `lineage(of: other).contains(type)`
    /// is `false` for every other type. `true` for a type not defined here (it is not known what
    /// may be based on it), and for a type a profile here constrains (`Extension` in an IG):
    /// the answer only spares lookups, so it may err that way.
    func mayBeAncestor(_ type: String) -> Bool {
        guard let url = sources.typeURLs[type] else { return true }
        return sources.baseURLs.contains(url)
    }

    /// Where the children of an element of `type`, defined by `definition` in `structure`, are
    /// defined: under `Element` for the id and extensions of a primitive, under the element's own
    /// path for an inline group, under its type otherwise; `nil` for a type not defined here.
    func content(ofType type: String, definition: ElementDefinition?, in structure: StructureDefinition) -> (structure: StructureDefinition, path: String)? {
        if isPrimitiveType(type) {
            return self.structure(forType: "Element").map { ($0, "Element") }
        }
        if let definition, definition.hasInlineContent(type: type) {
            return (structure, definition.path)
        }
        return self.structure(forType: type).map { ($0, $0.type) }
    }

    /// The definitions of the children of the element at `path` in `structure` (cached).
    func children(of path: String, in structure: StructureDefinition) -> ChildDefinitions {
        let key = ChildrenKey(url: structure.url, path: path)
        if let known = compiled.withLock({ $0.children[key] }) { return known }
        let children = ChildDefinitions(of: path, in: structure, definitions: self)
        compiled.withLock { $0.children[key] = children }
        return children
    }

    private func computeLineage(of type: String) -> [String] {
        var names: [String] = []
        var current = structure(forType: type)
        while let structure = current, !names.contains(structure.type) {
            names.append(structure.type)
            current = structure.baseDefinition.flatMap { self.structure(url: $0) }
        }
        return names.isEmpty ? [type] : names
    }

    /// Names of every type and resource defined.
    public var typeNames: [String] { sources.typeURLs.keys.sorted() }

    /// A value set by canonical URL.
    public func valueSet(url: String) -> ValueSet? {
        let url = Self.unversioned(url)
        if let done = compiled.withLock({ $0.valueSets[url] }) { return done }
        guard let resource = sources.valueSets[url]?.element else { return nil }
        var valueSet = ValueSet(url: url, codes: nil, displays: [:], unexpandedReason: nil)
        if let expansion = resource.child(named: "expansion") {
            var codes = Set<ValueSet.Pair>()
            func add(_ contains: [Element]) {
                for item in contains {
                    if let system = item.child(named: "system")?.value?.text, let code = item.child(named: "code")?.value?.text {
                        let pair = ValueSet.Pair(system: system, code: code)
                        codes.insert(pair)
                        if let display = item.child(named: "display")?.value?.text { valueSet.displays[pair] = display }
                    }
                    add(item.children(named: "contains"))
                }
            }
            add(expansion.children(named: "contains"))
            valueSet.codes = codes
        } else if let compose = resource.child(named: "compose") {
            // An implementation guide's value set: expanded here from its compose and the code
            // systems these definitions hold.
            var visiting: Set<String> = [url]
            switch ValueSetExpander(definitions: self).expand(compose, visiting: &visiting) {
            case .success(let codes): valueSet.codes = codes
            case .failure(let reason): valueSet.unexpandedReason = reason.message
            }
        } else {
            valueSet.unexpandedReason = resource.children(named: "extension").first?.children.first { $0.name.hasPrefix("value") }?.value?.text
                ?? "the value set has no expansion here"
        }
        compiled.withLock { $0.valueSets[url] = valueSet }
        return valueSet
    }

    /// A StructureDefinition as its untyped tree, for what the compiled form does not keep (the
    /// contexts of an extension).
    func structureResource(url: String) -> Element? {
        sources.structures[Self.unversioned(url)]?.element
    }
}
