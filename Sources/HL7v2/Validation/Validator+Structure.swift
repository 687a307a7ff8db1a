extension Validator {
    /// Matches the segments that belong to the structure (`inputs`, the symbols of message
    /// segments `segments`) and describes every error of the cheapest explanation.
    func structureIssues(_ message: Message, structure: MessageStructure, automaton: StructureAutomaton, inputs: [Int32], segments: [Int]) -> [Issue] {
        let matcher = StructureMatcher(automaton: automaton)
        if matcher.accepts(inputs) { return [] }
        var issues: [Issue] = []
        for step in matcher.explain(inputs) {
            switch step {
            case .match:
                continue
            case .unexpected(let input, let repeated):
                let index = segments[input]
                let id = message.segmentID(at: index)
                let text = repeated
                    ? "segment \(id) repeats more often than message structure \(structure.id) allows here"
                    : "segment \(id) is out of place: message structure \(structure.id) does not allow it here"
                issues.append(Issue(.segmentSequence, at: segmentLocation(message, index, id), text))
            case .missing(let element, let before):
                let info = automaton.elements[Int(element)]
                let what: String
                if let segment = info.segment {
                    what = info.alternatives.isEmpty
                        ? "required segment \(segment)"
                        : "one of the segments \(info.alternatives.joined(separator: ", "))"
                } else {
                    what = "a required segment"
                }
                let position: String
                let index: Int
                let offset: Int
                if before < segments.count {
                    index = segments[before]
                    offset = Int(message.records[index].start)
                    position = "expected before segment \(index + 1) (\(message.segmentID(at: index)))"
                } else {
                    index = message.segmentCount
                    offset = Int(message.records[message.segmentCount - 1].end)
                    position = "expected at the end of the message"
                }
                let after = before > 0 ? ", after segment \(segments[before - 1] + 1) (\(message.segmentID(at: segments[before - 1])))" : ""
                let text = "\(what) is missing in \(info.path): \(position)\(after)"
                issues.append(Issue(.segmentSequence, at: Location(segment: info.segment, segmentIndex: index + 1, byteOffset: offset), text))
            }
        }
        return issues
    }
}
