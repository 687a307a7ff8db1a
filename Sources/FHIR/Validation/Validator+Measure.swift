extension Validator.Walk {
    /// A MeasureReport against its Measure (when the definitions have it): each group matches a
    /// group of the Measure (by code; a single group each matches without one), each population
    /// code is one of that group's, and a cohort measure has no measureScore. Once per report.
    mutating func checkMeasureReport(_ measureReport: Element, path: String) {
        guard let url = measureReport.childText(named: "measure"), let measure = definitions.resource(url: url),
            (measure.childText(named: "resourceType") ?? measure.type) == "Measure"
        else { return }
        let isCohort = Self.codes(of: measure.child(named: "scoring")).contains("cohort")
        let measureGroups = measure.children(named: "group")
        let groups = measureReport.children(named: "group")
        for (index, group) in groups.enumerated() {
            let groupPath = "\(path).group[\(index)]"
            if isCohort, let score = group.child(named: "measureScore") {
                report(.error, .structure, groupPath + ".measureScore", "a cohort measure has no measureScore", score)
            }
            let codes = Self.codes(of: group.child(named: "code"))
            let definition: Element?
            if measureGroups.count == 1, groups.count == 1 {
                definition = measureGroups[0]
            } else {
                definition = measureGroups.first { !codes.isEmpty && !Self.codes(of: $0.child(named: "code")).isDisjoint(with: codes) }
                if definition == nil {
                    report(.error, .structure, groupPath, "the group has no code that matches a group of the measure \(url)", group)
                }
            }
            guard let definition else { continue }
            let populations = Set(definition.children(named: "population").flatMap { Self.codes(of: $0.child(named: "code")) })
            for (populationIndex, population) in group.children(named: "population").enumerated() {
                let populationCodes = Self.codes(of: population.child(named: "code"))
                if !populationCodes.isEmpty, populationCodes.isDisjoint(with: populations) {
                    report(.error, .structure, "\(groupPath).population[\(populationIndex)]",
                           "the code of this population has no match in the group of the measure", population)
                }
            }
        }
    }

    /// The codes of a CodeableConcept (typed or untyped).
    static func codes(of concept: Element?) -> Set<String> {
        Set(concept?.children(named: "coding").compactMap { $0.childText(named: "code") } ?? [])
    }
}
