public import Foundation
import Yams

/// A suite: a folder `conformance/<name>/` with a manifest `suite.yaml` and the files its cases
/// name (format: `docs/CONFORMANCE.md`).
///
/// ```swift
/// let suite = try ConformanceSuite(folder: URL(fileURLWithPath: "conformance/hl7v2-ack"))
/// ```
public struct ConformanceSuite: Sendable {
    /// The suite's name (its folder's name, unless the manifest says `name:`).
    public let name: String
    /// What the suite proves.
    public let summary: String?
    /// The suite's folder; paths in the manifest are relative to it.
    public let folder: URL
    /// The cases, in manifest order.
    public internal(set) var cases: [ConformanceCase]
    /// The bus configuration the local target runs (`bus:`), or `nil` for the built-in test
    /// configuration.
    public let busConfiguration: URL?
    /// The endpoints the runner runs for the bus to deliver to (`receivers:`; local target only).
    public let receivers: [ReceiverConfiguration]
    /// The mappings folder for `map` cases (`mappings:`; by default the repository's `mappings`).
    public let mappings: URL
    /// A folder of conformance resources (an implementation guide) for `validate` cases (`ig:`).
    public let implementationGuide: URL?
    /// JSON paths every `map` case of the suite ignores (`ignore:`), added to each case's own.
    public let ignoredPaths: [String]

    /// Reads `folder/suite.yaml` and checks that every file a case names exists.
    public init(folder: URL) throws(ConformanceError) {
        let file = folder.appendingPathComponent("suite.yaml")
        let text: String
        do {
            text = try String(contentsOf: file, encoding: .utf8)
        } catch {
            throw ConformanceError(.unreadableFile, file: file.path, "cannot read the suite's manifest: \(error.localizedDescription)")
        }
        let decoded: Any?
        do {
            decoded = try Yams.load(yaml: text)
        } catch {
            throw ConformanceError(.invalidManifest, file: file.path, "not valid YAML: \(error)")
        }
        let root = ManifestNode(value: decoded ?? [String: Any](), key: "", file: file.path)
        try root.allowKeys(["name", "description", "bus", "receivers", "mappings", "ig", "ignore", "cases"])
        self.folder = folder
        self.name = try root.optional("name")?.text() ?? folder.lastPathComponent
        self.summary = try root.optional("description")?.text()
        let resolver = FileResolver(folder: folder, manifest: file.path)
        self.busConfiguration = try root.optional("bus").map { node throws(ConformanceError) in try resolver.existing(node) }
        var receivers: [ReceiverConfiguration] = []
        if let node = try root.optional("receivers") {
            for name in try node.map().keys.sorted() {
                receivers.append(try ReceiverConfiguration(name: name, node: try node.required(name)))
            }
        }
        self.receivers = receivers
        self.mappings = try root.optional("mappings").map { node throws(ConformanceError) in try resolver.existing(node) }
            ?? URL(fileURLWithPath: "mappings")
        self.implementationGuide = try root.optional("ig").map { node throws(ConformanceError) in try resolver.existing(node) }
        self.ignoredPaths = try root.optional("ignore")?.texts() ?? []
        var cases: [ConformanceCase] = []
        var seen = Set<String>()
        for item in try root.required("cases").list() {
            let parsed = try Self.parseCase(item, resolver: resolver, receivers: Set(receivers.map(\.name)))
            guard seen.insert(parsed.id).inserted else { throw item.error("a second case with the id \(parsed.id)") }
            cases.append(parsed)
        }
        self.cases = cases
    }

    static let commonKeys: Set<String> = ["id", "kind", "description", "timeout"]

    static func parseCase(_ node: ManifestNode, resolver: FileResolver, receivers: Set<String>) throws(ConformanceError) -> ConformanceCase {
        let id = try node.required("id").text()
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw node.error("an id is letters, digits, '-', '_' and '.'", key: "\(node.key).id")
        }
        let kind = try node.required("kind").text()
        let check: any CaseCheck
        switch kind {
        case HL7v2Exchange.kind: check = try HL7v2Exchange(node, resolver: resolver, receivers: receivers)
        case FHIRPost.kind: check = try FHIRPost(node, resolver: resolver, receivers: receivers)
        case MappingCheck.kind: check = try MappingCheck(node, resolver: resolver)
        case ProfileValidation.kind: check = try ProfileValidation(node, resolver: resolver)
        case ClaimCheck.kind: check = try ClaimCheck(node, resolver: resolver)
        default:
            throw node.error("unknown kind \(kind) (known: hl7v2, fhir, map, validate, claim)", key: "\(node.key).kind")
        }
        return ConformanceCase(
            id: id, summary: try node.optional("description")?.text(), timeout: try node.optional("timeout")?.duration(), check: check)
    }
}

/// Resolves the manifest's relative paths against the suite's folder and checks they exist.
struct FileResolver: Sendable {
    let folder: URL
    let manifest: String

    func url(_ path: String) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : folder.appendingPathComponent(path)
    }

    /// The file or folder the node names; an error when it does not exist.
    func existing(_ node: ManifestNode) throws(ConformanceError) -> URL {
        let url = url(try node.text()).standardizedFileURL
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ConformanceError(.unreadableFile, file: manifest, key: node.key, "no file \(url.path)")
        }
        return url
    }

    /// The file's bytes.
    static func read(_ url: URL) throws(ConformanceError) -> [UInt8] {
        do {
            return Array(try Data(contentsOf: url))
        } catch {
            throw ConformanceError(.unreadableFile, file: url.path, "cannot read: \(error.localizedDescription)")
        }
    }
}
