import Foundation

/// The shared third-party corpus (`../shared/corpus` beside the repository).
enum Corpus {
    /// `…/shared/corpus`.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // FHIRTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository
        .deletingLastPathComponent()  // its parent
        .appendingPathComponent("shared/corpus")

    /// The bytes of a corpus file, e.g. `fhir/fhir-test-cases/r4/examples/patient-example.json`.
    static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(relativePath)))
    }

    /// The files of a corpus folder with the given extension, sorted.
    static func files(in folder: String, extension: String) -> [String] {
        let url = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.filter { $0.hasSuffix("." + `extension`) }.sorted().map { "\(folder)/\($0)" }
    }
}
