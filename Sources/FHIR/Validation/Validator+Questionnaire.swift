extension Validator.Walk {
    /// A QuestionnaireResponse against its Questionnaire (when the definitions have it): every
    /// item's linkId is in the Questionnaire at that place, answers only on questions, answer
    /// values of the item's type and among its answer options, required items answered (once the
    /// response is completed).
    mutating func checkQuestionnaireResponse(_ response: Element, path: String) {
        guard let url = response.child(named: "questionnaire")?.value?.text, let questionnaire = definitions.resource(url: url) else {
            return
        }
        let completed = ["completed", "amended"].contains(response.child(named: "status")?.value?.text ?? "")
        checkItems(response.children(named: "item"), against: questionnaire.children(named: "item"), path: path, completed: completed)
    }

    private mutating func checkItems(_ items: [Element], against definitions: [Element], path: String, completed: Bool) {
        func text(_ element: Element, _ name: String) -> String? { element.child(named: name)?.value?.text }
        var byLinkID: [String: Element] = [:]
        for definition in definitions { if let linkID = text(definition, "linkId") { byLinkID[linkID] = definition } }
        var answered: Set<String> = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path).item[\(index)]"
            guard let linkID = text(item, "linkId") else { continue }
            guard let definition = byLinkID[linkID] else {
                report(.error, .structure, itemPath, "linkId '\(linkID)' is not in the questionnaire here", item)
                continue
            }
            let type = text(definition, "type") ?? ""
            let answers = item.children(named: "answer")
            if !answers.isEmpty { answered.insert(linkID) }
            if type == "group" || type == "display", !answers.isEmpty {
                report(.error, .structure, itemPath, "items of type \(type) cannot have answers", item)
            }
            if type == "group", !item.children(named: "item").isEmpty { answered.insert(linkID) }
            for (answerIndex, answer) in answers.enumerated() {
                let answerPath = "\(itemPath).answer[\(answerIndex)]"
                guard let value = answer.child(named: "value") else { continue }
                if let expected = Self.answerTypes[type], !expected.contains(value.type) {
                    report(.error, .structure, answerPath + ".value", "the answer must be of type \(expected.joined(separator: " or ")), not \(value.type)", value)
                    continue
                }
                checkOption(value, options: definition.children(named: "answerOption"), path: answerPath + ".value", openChoice: type == "open-choice")
                checkItems(answer.children(named: "item"), against: definition.children(named: "item"), path: answerPath, completed: completed)
            }
            checkItems(item.children(named: "item"), against: definition.children(named: "item"), path: itemPath, completed: completed)
        }
        guard completed else { return }
        for definition in definitions where text(definition, "required") == "true" {
            guard let linkID = text(definition, "linkId"), !answered.contains(linkID), text(definition, "type") != "display" else { continue }
            report(.error, .required, path, "no answer for the required item '\(linkID)'", nil)
        }
    }

    /// An answer among the item's answer options (a coding by system and code).
    private mutating func checkOption(_ value: Element, options: [Element], path: String, openChoice: Bool) {
        guard !options.isEmpty else { return }
        let permitted = options.compactMap { option in option.children.first { $0.name.hasPrefix("value") } }
        let matches = permitted.contains { option in
            if value.type == "Coding" {
                return option.child(named: "code")?.value?.text == value.child(named: "code")?.value?.text
                    && (option.child(named: "system")?.value?.text == value.child(named: "system")?.value?.text
                        || option.child(named: "system") == nil || value.child(named: "system") == nil)
            }
            return option.value?.text == value.value?.text
        }
        if !matches, !(openChoice && value.type == "string") {
            report(.error, .codeInvalid, path, "the answer is not in the set of permitted values", value)
        }
    }

    /// The answer value types allowed for each item type (R4).
    static let answerTypes: [String: [String]] = [
        "boolean": ["boolean"], "decimal": ["decimal"], "integer": ["integer"], "date": ["date"], "dateTime": ["dateTime"],
        "time": ["time"], "string": ["string"], "text": ["string"], "url": ["uri"], "choice": ["Coding"],
        "open-choice": ["Coding", "string"], "attachment": ["Attachment"], "reference": ["Reference"], "quantity": ["Quantity"],
    ]
}
