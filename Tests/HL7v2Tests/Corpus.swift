import Foundation

/// The shared third-party corpus (`../shared/corpus` beside the repository).
enum Corpus {
    /// `…/shared/corpus`.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // HL7v2Tests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository
        .deletingLastPathComponent()  // its parent
        .appendingPathComponent("shared/corpus")

    /// The bytes of a corpus file, e.g. `hl7v2/python-hl7/sample_hl7.hl7`.
    static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(relativePath)))
    }

    /// The files of a corpus folder with the given extensions, sorted.
    static func files(in folder: String, extensions: Set<String>) -> [String] {
        let url = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { extensions.contains(($0 as NSString).pathExtension) }.sorted().map { "\(folder)/\($0)" }
    }
}
