extension ConformanceSuite {
    /// The suite with only the cases for which `isIncluded` holds (given each case's `suite/id`).
    public func filtered(_ isIncluded: (ConformanceCaseName) -> Bool) -> ConformanceSuite {
        var copy = self
        copy.cases = cases.filter { isIncluded(ConformanceCaseName(suite: name, id: $0.id)) }
        return copy
    }
}

