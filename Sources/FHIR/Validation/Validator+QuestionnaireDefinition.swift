extension Validator.Walk {
    /// The rules of a Questionnaire its definitions do not state: an item's `enableWhen` cannot
    /// depend on a question inside that item (the item would have to be enabled for the question
    /// to be answered).
    mutating func checkQuestionnaire(_ questionnaire: Element, path: String) {
        checkEnableWhen(questionnaire.children(named: "item"), path: path)
    }

    private mutating func checkEnableWhen(_ items: [Element], path: String) {
        for (index, item) in items.enumerated() {
            let itemPath = "\(path).item[\(index)]"
            let questions = item.children(named: "enableWhen").compactMap { $0.childText(named: "question") }
            if !questions.isEmpty {
                let inner = Self.linkIDs(inside: item)
                for question in questions where inner.contains(question) {
                    report(.error, .structure, itemPath, "the enableWhen of an item cannot refer to the question '\(question)' inside it", item)
                }
            }
            checkEnableWhen(item.children(named: "item"), path: itemPath)
        }
    }

    /// The linkIds of the items nested in `item` (at any depth).
    private static func linkIDs(inside item: Element) -> Set<String> {
        var found: Set<String> = []
        var pending = item.children(named: "item")
        while let next = pending.popLast() {
            if let linkID = next.childText(named: "linkId") { found.insert(linkID) }
            pending += next.children(named: "item")
        }
        return found
    }
}
