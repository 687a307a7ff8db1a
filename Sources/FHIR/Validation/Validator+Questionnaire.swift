import Foundation

extension Validator.Walk {
    /// A QuestionnaireResponse against its Questionnaire (when the definitions have it): every
    /// item's linkId is in the Questionnaire at that place, answers only on questions that are
    /// enabled (`enableWhen`, `enableWhenExpression`), answer values of the item's type, among its
    /// answer options and within its limits (``checkAnswer(_:of:path:)``), the number of answers
    /// (`repeats`, `minOccurs`, `maxOccurs`), required items answered (once the response is
    /// completed). The work is done once per response, not per element.
    mutating func checkQuestionnaireResponse(_ response: Element, path: String) {
        guard let url = response.childText(named: "questionnaire") else { return }
        guard let questionnaire = definitions.resource(url: url) else {
            if definitions.valueSet(url: url) != nil || definitions.structure(url: url) != nil {
                report(.error, .structure, path + ".questionnaire", "the canonical URL \(url) refers to a resource that is not a Questionnaire", response)
            }
            return
        }
        let type = questionnaire.childText(named: "resourceType") ?? questionnaire.type
        guard type == "Questionnaire" else {
            report(.error, .structure, path + ".questionnaire", "the canonical URL \(url) refers to a \(type), not a Questionnaire", response)
            return
        }
        let context = ResponseContext(response: response)
        checkItems(response.children(named: "item"), against: questionnaire.children(named: "item"), path: path, context: context)
    }

    /// What the checks of one response share: whether it is completed, and the answers given to
    /// each linkId anywhere in it (for `enableWhen`).
    struct ResponseContext {
        let response: Element
        let completed: Bool
        var answers: [String: [Element]] = [:]

        init(response: Element) {
            self.response = response
            completed = ["completed", "amended"].contains(response.childText(named: "status") ?? "")
            collect(response.children(named: "item"))
        }

        private mutating func collect(_ items: [Element]) {
            for item in items {
                let answers = item.children(named: "answer")
                if let linkID = item.childText(named: "linkId") {
                    self.answers[linkID, default: []] += answers.compactMap { $0.child(named: "value") }
                }
                collect(item.children(named: "item"))
                for answer in answers { collect(answer.children(named: "item")) }
            }
        }
    }

    private mutating func checkItems(_ items: [Element], against definitions: [Element], path: String, context: ResponseContext) {
        var byLinkID: [String: Element] = [:]
        for definition in definitions { if let linkID = Self.text(definition, "linkId") { byLinkID[linkID] = definition } }
        var answered: Set<String> = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path).item[\(index)]"
            guard let linkID = Self.text(item, "linkId") else { continue }
            guard let definition = byLinkID[linkID] else {
                report(.error, .structure, itemPath, "linkId '\(linkID)' is not in the questionnaire here", item)
                continue
            }
            let type = Self.text(definition, "type") ?? ""
            let answers = item.children(named: "answer")
            if !answers.isEmpty { answered.insert(linkID) }
            if type == "group", !item.children(named: "item").isEmpty { answered.insert(linkID) }
            if !answers.isEmpty, !isEnabled(definition, context: context) {
                report(.error, .structure, itemPath, "the item '\(linkID)' has answers, but it is not enabled", item)
            }
            if type == "group" || type == "display" || type == "question", !answers.isEmpty {
                report(.error, .structure, itemPath, "items of type \(type) cannot have answers", item)
            }
            checkAnswerCount(answers.count, of: definition, path: itemPath, item: item)
            for (answerIndex, answer) in answers.enumerated() where type != "group" && type != "display" {
                let answerPath = "\(itemPath).answer[\(answerIndex)]"
                if let value = answer.child(named: "value") {
                    if let expected = Self.answerTypes[type], !expected.contains(value.type) {
                        report(.error, .structure, answerPath + ".value", "the answer must be of type \(expected.joined(separator: " or ")), not \(value.type)", value)
                    } else {
                        checkOption(value, options: definition.children(named: "answerOption"), path: answerPath + ".value", openChoice: type == "open-choice")
                        if value.type == "Coding", let url = Self.text(definition, "answerValueSet") {
                            checkAnswerValueSet(value, valueSet: url, path: answerPath + ".value")
                        }
                        checkAnswer(value, of: definition, path: answerPath + ".value")
                    }
                }
                checkItems(answer.children(named: "item"), against: definition.children(named: "item"), path: answerPath, context: context)
            }
            // A group's items are under the item, a question's under its answers.
            if type == "group" || !item.children(named: "item").isEmpty {
                checkItems(item.children(named: "item"), against: definition.children(named: "item"), path: itemPath, context: context)
            }
        }
        guard context.completed else { return }
        for definition in definitions where Self.text(definition, "required") == "true" {
            guard let linkID = Self.text(definition, "linkId"), !answered.contains(linkID), Self.text(definition, "type") != "display",
                isEnabled(definition, context: context)
            else { continue }
            report(.error, .required, path, "no answer for the required item '\(linkID)'", nil)
        }
    }

    /// One answer when the item does not repeat; `minOccurs` and `maxOccurs` answers otherwise.
    private mutating func checkAnswerCount(_ count: Int, of definition: Element, path: String, item: Element) {
        if Self.text(definition, "repeats") != "true", count > 1 {
            report(.error, .structure, path, "only one answer is allowed for the item '\(Self.text(definition, "linkId") ?? "")'", item)
        }
        if let minimum = Self.extensionValue(of: definition, Self.minOccurs).flatMap({ $0.element.value.flatMap { Int($0.text) } }), count < minimum {
            report(.error, .structure, path, "the minimum number of answers is \(minimum) but this has \(count)", item)
        }
        if let maximum = Self.extensionValue(of: definition, Self.maxOccurs).flatMap({ $0.element.value.flatMap { Int($0.text) } }), count > maximum {
            report(.error, .structure, path, "the maximum number of answers is \(maximum) but this has \(count)", item)
        }
    }

    /// Whether an item is enabled: no `enableWhen` (or all / any of them hold, by
    /// `enableBehavior`), and its `enableWhenExpression` (when FHIRPath can evaluate it) is not
    /// false.
    private func isEnabled(_ definition: Element, context: ResponseContext) -> Bool {
        let conditions = definition.children(named: "enableWhen")
        if !conditions.isEmpty {
            let results = conditions.map { holds($0, context: context) }
            let enabled = Self.text(definition, "enableBehavior") == "all" ? !results.contains(false) : results.contains(true)
            if !enabled { return false }
        }
        if let evaluate = validator.invariants,
            let expression = Self.extensionValue(of: definition, Self.enableWhenExpressions).flatMap({ $0.element.childText(named: "expression") ?? $0.element.value?.text }),
            evaluate(expression, context.response, context.response, root) == false
        {
            return false
        }
        return true
    }

    /// One `enableWhen` condition against the answers to its question.
    private func holds(_ condition: Element, context: ResponseContext) -> Bool {
        guard let question = Self.text(condition, "question"), let expected = Self.choice(condition, "answer") else { return true }
        let answers = context.answers[question] ?? []
        let operation = Self.text(condition, "operator") ?? "="
        if operation == "exists" { return answers.isEmpty == (expected.element.value?.text == "false") }
        return answers.contains { answer in
            guard let order = Self.compare(answer, expected) else { return operation == "!=" }
            switch operation {
            case "=": return order == .orderedSame
            case "!=": return order != .orderedSame
            case ">": return order == .orderedDescending
            case "<": return order == .orderedAscending
            case ">=": return order != .orderedAscending
            case "<=": return order != .orderedDescending
            default: return true
            }
        }
    }

    /// How an answer compares with a value of a Questionnaire (typed or untyped, hence its type
    /// given): numbers as numbers, codings by system and code (only same or not), quantities by
    /// value when their units agree, other primitives by their text (dates and times in the same
    /// format sort as text); `nil` when they cannot be compared.
    static func compare(_ answer: Element, _ expected: (element: Element, type: String)) -> ComparisonResult? {
        let value = expected.element
        switch expected.type {
        case "Coding":
            guard answer.type == "Coding" else { return nil }
            let sameSystem = text(answer, "system") == nil || text(value, "system") == nil || text(answer, "system") == text(value, "system")
            return sameSystem && text(answer, "code") == text(value, "code") ? .orderedSame : .orderedDescending
        case "Quantity":
            guard answer.type == "Quantity", text(answer, "code") == text(value, "code"), text(answer, "unit") == text(value, "unit") || text(answer, "code") != nil,
                let left = answer.child(named: "value").flatMap({ number($0, type: "decimal") }),
                let right = value.child(named: "value").flatMap({ number($0, type: "decimal") })
            else { return nil }
            return left == right ? .orderedSame : left < right ? .orderedAscending : .orderedDescending
        case "Reference":
            return text(answer, "reference") == text(value, "reference") ? .orderedSame : .orderedDescending
        default:
            guard let left = answer.value?.text, let right = value.value?.text else { return nil }
            if let leftNumber = number(answer, type: answer.type), let rightNumber = number(value, type: expected.type) {
                return leftNumber == rightNumber ? .orderedSame : leftNumber < rightNumber ? .orderedAscending : .orderedDescending
            }
            return left == right ? .orderedSame : left < right ? .orderedAscending : .orderedDescending
        }
    }

    /// A coded answer in the item's answer value set, when it is expanded here, with the display
    /// the value set gives for it (when the answer has one).
    private mutating func checkAnswerValueSet(_ coding: Element, valueSet url: String, path: String) {
        guard let code = Self.text(coding, "code"), let valueSet = definitions.valueSet(url: url),
            let contains = valueSet.contains(code: code, system: Self.text(coding, "system"))
        else { return }
        guard contains else {
            report(.error, .codeInvalid, path, "the code is not in the answer value set \(url)", coding)
            return
        }
        if let system = Self.text(coding, "system"), let display = Self.text(coding, "display"),
            let expected = valueSet.displays[.init(system: system, code: code)], expected.lowercased() != display.lowercased()
        {
            report(.error, .codeInvalid, path + ".display", "wrong display '\(display)' for \(system)#\(code); the value set gives '\(expected)'", coding)
        }
    }

    /// An answer among the item's answer options (a coding by system and code).
    private mutating func checkOption(_ value: Element, options: [Element], path: String, openChoice: Bool) {
        guard !options.isEmpty else { return }
        let permitted = options.compactMap { option in option.children.first { $0.name.hasPrefix("value") } }
        let matches = permitted.contains { option in
            if value.type == "Coding" {
                return option.childText(named: "code") == value.childText(named: "code")
                    && (option.childText(named: "system") == value.childText(named: "system")
                        || option.child(named: "system") == nil || value.child(named: "system") == nil)
            }
            return option.value?.text == value.value?.text
        }
        if !matches, !(openChoice && value.type == "string") {
            report(.error, .codeInvalid, path, "the answer is not in the set of permitted values", value)
        }
    }

    static func text(_ element: Element, _ name: String) -> String? { element.child(named: name)?.value?.text }

    /// The number in a primitive of a numeric type.
    static func number(_ element: Element, type: String) -> Decimal? {
        guard ["decimal", "integer", "positiveInt", "unsignedInt"].contains(type), let text = element.value?.text else { return nil }
        return Decimal(string: text)
    }

    /// The value of a choice element (`value[x]`, `answer[x]`) and its type, in a typed tree
    /// (one child named `value` of its type) or an untyped one (a child named `valueDateTime`).
    static func choice(_ element: Element, _ name: String) -> (element: Element, type: String)? {
        if let typed = element.child(named: name), !typed.type.isEmpty { return (typed, typed.type) }
        for child in element.children where child.name.count > name.count && child.name.hasPrefix(name) {
            let suffix = child.name.dropFirst(name.count)
            guard let first = suffix.first, first.isUppercase else { continue }
            let lowered = first.lowercased() + suffix.dropFirst()
            return (child, ElementDefinition.primitiveTypes.contains(lowered) ? lowered : String(suffix))
        }
        return nil
    }

    /// The value of the first extension of `element` with one of `urls` (its `value[x]`).
    static func extensionValue(of element: Element, _ urls: Set<String>) -> (element: Element, type: String)? {
        extensionValues(of: element, urls).first
    }

    /// The values of the extensions of `element` with one of `urls`.
    static func extensionValues(of element: Element, _ urls: Set<String>) -> [(element: Element, type: String)] {
        element.children(named: "extension").compactMap { ext in
            guard let url = ext.childText(named: "url"), urls.contains(url) else { return nil }
            return choice(ext, "value")
        }
    }

    static let minOccurs: Set<String> = ["http://hl7.org/fhir/StructureDefinition/questionnaire-minOccurs"]
    static let maxOccurs: Set<String> = ["http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs"]
    /// SDC's `enableWhenExpression` (an Expression) and an earlier national one (a string).
    static let enableWhenExpressions: Set<String> = [
        "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression",
        "http://phr.kanta.fi/StructureDefinition/fiphr-ext-questionnaire-enablewhen",
    ]

    /// The answer value types allowed for each item type (R4: a choice's options may be codings,
    /// dates, times, integers or strings).
    static let answerTypes: [String: [String]] = [
        "boolean": ["boolean"], "decimal": ["decimal"], "integer": ["integer"], "date": ["date"], "dateTime": ["dateTime"],
        "time": ["time"], "string": ["string"], "text": ["string"], "url": ["uri"],
        "choice": ["Coding", "date", "time", "integer", "string"], "open-choice": ["Coding", "date", "time", "integer", "string"],
        "attachment": ["Attachment"], "reference": ["Reference"], "quantity": ["Quantity"],
    ]
}
