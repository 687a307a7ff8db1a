import Foundation

extension Validator.Walk {
    /// An answer within the limits its Questionnaire item sets: `minValue`/`maxValue` (numbers,
    /// dates, times), `minLength`/`maxLength` and `regex` (strings), SDC's `minQuantity`/
    /// `maxQuantity`, `unitOption` and `unitValueSet` (quantities), `mimeType` and `maxSize`
    /// (attachments), `referenceResource` (references).
    mutating func checkAnswer(_ value: Element, of definition: Element, path: String) {
        switch value.type {
        case "integer", "decimal", "date", "dateTime", "time":
            checkLimits(value, of: definition, path: path)
        case "string":
            checkString(value, of: definition, path: path)
        case "Quantity":
            checkQuantity(value, of: definition, path: path)
        case "Attachment":
            checkAttachmentAnswer(value, of: definition, path: path)
        case "Reference":
            checkReferenceAnswer(value, of: definition, path: path)
        default:
            break
        }
    }

    private mutating func checkLimits(_ value: Element, of definition: Element, path: String) {
        guard let text = value.value?.text else { return }
        if let minimum = Self.extensionValue(of: definition, Self.minValue), minimum.type == value.type,
            Self.compare(value, minimum) == .orderedAscending
        {
            report(.error, .value, path, "the value \(text) is less than the allowed minimum of \(minimum.element.value?.text ?? "")", value)
        }
        if let maximum = Self.extensionValue(of: definition, Self.maxValue), maximum.type == value.type,
            Self.compare(value, maximum) == .orderedDescending
        {
            report(.error, .value, path, "the value \(text) is greater than the allowed maximum of \(maximum.element.value?.text ?? "")", value)
        }
    }

    private mutating func checkString(_ value: Element, of definition: Element, path: String) {
        guard let text = value.value?.text else { return }
        if let minimum = Self.extensionValue(of: definition, Self.minLength)?.element.value.flatMap({ Int($0.text) }), text.count < minimum {
            report(.error, .value, path, "the answer is shorter than the required minimum length of \(minimum)", value)
        }
        if let maximum = Self.text(definition, "maxLength").flatMap({ Int($0) }), text.count > maximum {
            report(.error, .value, path, "the answer is longer than the allowed maximum length of \(maximum)", value)
        }
        if let pattern = Self.extensionValue(of: definition, Self.regex)?.element.value?.text, let regex = try? Regex(pattern),
            (try? regex.wholeMatch(in: text)) == nil
        {
            report(.error, .value, path, "the answer does not match the expected format (regex \(pattern))", value)
        }
    }

    /// Quantities are compared with their limits only in the same formal unit (system and code);
    /// a limit or an answer without one cannot be compared, which is an error. Limits in another
    /// code of the same system would need UCUM conversions and are not checked here.
    private mutating func checkQuantity(_ value: Element, of definition: Element, path: String) {
        for (urls, word, wrongOrder) in [(Self.minQuantity, "minimum", ComparisonResult.orderedAscending), (Self.maxQuantity, "maximum", .orderedDescending)] {
            guard let limit = Self.extensionValue(of: definition, urls)?.element else { continue }
            guard Self.text(limit, "code") != nil, Self.text(value, "code") != nil, Self.text(limit, "system") != nil, Self.text(value, "system") != nil else {
                report(.error, .value, path, "the quantity cannot be compared to the allowed \(word) because no formal units are specified", value)
                continue
            }
            guard Self.text(limit, "system") == Self.text(value, "system"), Self.text(limit, "code") == Self.text(value, "code") else { continue }
            if Self.compare(value, (limit, "Quantity")) == wrongOrder {
                report(.error, .value, path, "the quantity is \(word == "minimum" ? "less" : "greater") than the allowed \(word)", value)
            }
        }
        let options = Self.extensionValues(of: definition, Self.unitOption).map(\.element)
        if !options.isEmpty {
            let known = options.contains { Self.text($0, "system") == Self.text(value, "system") && Self.text($0, "code") == Self.text(value, "code") }
            if !known {
                report(.error, .codeInvalid, path, "the unit of the quantity is not one of the unit options of the item", value)
            }
        }
        if let url = Self.extensionValue(of: definition, Self.unitValueSet)?.element.value?.text, let valueSet = definitions.valueSet(url: url) {
            // No code is never in it; a value set that needs a terminology server decides nothing.
            let contains = Self.text(value, "code").map { valueSet.contains(code: $0, system: Self.text(value, "system")) } ?? false
            if contains == false {
                report(.error, .codeInvalid, path, "the unit of the quantity is not in the unit value set \(url)", value)
            }
        }
    }

    private mutating func checkAttachmentAnswer(_ value: Element, of definition: Element, path: String) {
        let types = Self.extensionValues(of: definition, Self.mimeType).compactMap { $0.element.value?.text }
        if !types.isEmpty, let contentType = Self.text(value, "contentType"), !types.contains(contentType) {
            report(.error, .value, path, "the mime type \(contentType) is not allowed for this answer (allowed: \(types.joined(separator: ", ")))", value)
        }
        if let maximum = Self.extensionValue(of: definition, Self.maxSize).flatMap({ Self.number($0.element, type: $0.type) }),
            let size = value.child(named: "data").flatMap(Self.decodedLength) ?? Self.text(value, "size").flatMap({ Int($0) }), Decimal(size) > maximum
        {
            report(.error, .value, path, "the attachment is too large (allowed \(maximum), found \(size))", value)
        }
    }

    /// A reference answer names a resource type (the last `Type/id` of its URL) known here and,
    /// with `referenceResource`, one of the types listed; it has no spaces.
    private mutating func checkReferenceAnswer(_ value: Element, of definition: Element, path: String) {
        guard let reference = Self.text(value, "reference"), !reference.hasPrefix("#"), !reference.hasPrefix("urn:") else { return }
        if reference.contains(where: \.isWhitespace) {
            report(.error, .value, path, "the reference is not a valid reference", value)
        }
        let parts = reference.split(separator: "/")
        let typeIndex = parts.count >= 4 && parts[parts.count - 2] == "_history" ? parts.count - 4 : parts.count - 2
        guard typeIndex >= 0, parts.count >= 2 else { return }
        let type = String(parts[typeIndex])
        guard definitions.isResourceType(type) else {
            report(.error, .value, path, "the resource type \(type) in the reference is not valid", value)
            return
        }
        let allowed = Self.extensionValues(of: definition, Self.referenceResource).compactMap { $0.element.value?.text }
        if !allowed.isEmpty, !allowed.contains(type) {
            report(.error, .value, path, "the resource type '\(type)' in the reference is not allowed (allowed: \(allowed.joined(separator: ", ")))", value)
        }
    }

    static let minValue: Set<String> = ["http://hl7.org/fhir/StructureDefinition/minValue"]
    static let maxValue: Set<String> = ["http://hl7.org/fhir/StructureDefinition/maxValue"]
    static let minLength: Set<String> = ["http://hl7.org/fhir/StructureDefinition/minLength"]
    static let regex: Set<String> = ["http://hl7.org/fhir/StructureDefinition/regex"]
    static let minQuantity: Set<String> = ["http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-minQuantity"]
    static let maxQuantity: Set<String> = ["http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-maxQuantity"]
    static let unitOption: Set<String> = ["http://hl7.org/fhir/StructureDefinition/questionnaire-unitOption"]
    static let unitValueSet: Set<String> = ["http://hl7.org/fhir/StructureDefinition/questionnaire-unitValueSet"]
    static let mimeType: Set<String> = ["http://hl7.org/fhir/StructureDefinition/mimeType"]
    static let maxSize: Set<String> = ["http://hl7.org/fhir/StructureDefinition/maxSize"]
    static let referenceResource: Set<String> = ["http://hl7.org/fhir/StructureDefinition/questionnaire-referenceResource"]
}
