package import FHIR

extension VocabularyMap {
    /// The ConceptMaps among `conceptMaps` (JSON files; other resources are skipped), by name (the
    /// file name without `.json`); each file that cannot be read adds an error for it to `errors`.
    package static func load(
        _ conceptMaps: [(file: String, bytes: [UInt8])], definitions: Definitions, errors: inout [MappingError]
    ) -> [String: VocabularyMap] {
        var vocabularies: [String: VocabularyMap] = [:]
        for conceptMap in conceptMaps {
            let name = MappingLibrary.name(of: conceptMap.file, extension: ".json")
            do {
                let element = try Element(json: conceptMap.bytes, definitions: definitions)
                guard element.type == "ConceptMap" else { continue }
                vocabularies[name] = try VocabularyMap(conceptMap: element)
            } catch let error as FormatError {
                errors.append(MappingError(file: conceptMap.file, line: error.position?.line, column: error.position?.column, error.message))
            } catch {
                errors.append(MappingError(file: conceptMap.file, "\(error)"))
            }
        }
        return vocabularies
    }
}
