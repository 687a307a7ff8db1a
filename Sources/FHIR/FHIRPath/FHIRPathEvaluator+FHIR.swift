import Foundation

extension FHIRPathEvaluator {
    /// The functions FHIR adds to FHIRPath.
    func fhirFunction(
        _ call: Node.Call, on input: [Value], argument: (Int) throws(FHIRPathError) -> [Value], at offset: Int
    ) throws(FHIRPathError) -> [Value] {
        switch call.function {
        case .extension:
            guard let url = try string(try argument(0), at: call.arguments[0].offset) else { return [] }
            var result: [Value] = []
            for case .element(let element) in input {
                for child in element.children where child.name == "extension" && child.child(named: "url")?.value?.text == url {
                    result.append(.element(child))
                }
            }
            return result
        case .hasValue:
            guard input.count == 1, case .element(let element) = input[0] else { return Self.collection(false) }
            return Self.collection(element.value != nil)
        case .getValue:
            guard input.count == 1, case .element(let element) = input[0], let value = Value.system(of: element) else { return [] }
            return [value]
        case .resolve:
            var result: [Value] = []
            for item in input {
                let reference: String?
                switch item {
                case .element(let element) where element.value == nil:
                    reference = element.child(named: "reference")?.value?.text
                case .element(let element):
                    reference = element.value?.text
                case .string(let text):
                    reference = text
                default:
                    reference = nil
                }
                if let reference, let target = resolve(reference) { result.append(target) }
            }
            return result
        case .memberOf:
            guard let url = try string(try argument(0), at: call.arguments[0].offset),
                let item = try Self.single(input, at: offset),
                let valueSet = definitions.valueSet(url: url)
            else { return [] }
            return Self.isMember(item, of: valueSet).map(Self.collection) ?? []
        case .htmlChecks:
            return Self.collection(true)
        case .conformsTo:
            guard let url = try string(try argument(0), at: call.arguments[0].offset),
                let item = try Self.single(input, at: offset), case .element(let element) = item
            else { return [] }
            let prefix = "http://hl7.org/fhir/StructureDefinition/"
            guard url.hasPrefix(prefix) else { return [] }
            let type = String(url.dropFirst(prefix.count))
            // A core type decides; a profile would need validation.
            guard definitions.structure(url: url)?.derivation != "constraint", definitions.structure(forType: type) != nil else { return [] }
            return Self.collection(derives(element.type, from: type))
        case .checkModifiers:
            return input
        default:
            // elementDefinition(), slice(), subsumes(), subsumedBy(): need more than this evaluator has.
            return []
        }
    }

    /// The resource a reference points to: `#id` in the contained resources of
    /// `%rootResource` (`#` for the container itself), else an entry of a Bundle that is
    /// `%rootResource` or `%resource`, by `fullUrl` or by `Type/id`.
    func resolve(_ reference: String) -> Value? {
        if reference.hasPrefix("#") {
            guard case .element(let root)? = rootResource else { return nil }
            let id = reference.dropFirst()
            if id.isEmpty { return rootResource }
            for contained in root.children where contained.name == "contained" && contained.child(named: "id")?.value?.text == String(id) {
                return .element(contained)
            }
            return nil
        }
        var target = reference
        // Foundation's search only when the bytes hold the text (an ASCII text without
        // decompositions is found by its bytes only).
        if ByteScan.contains(target, "/_history/"), let history = target.range(of: "/_history/") {
            target = String(target[..<history.lowerBound])
        }
        let typeAndID = Self.lastTwoParts(of: target)
        if let index = environment.bundleIndex { return index.resolve(target, typeAndID: typeAndID).map { .element($0) } }
        var searched: [Element] = []
        for case .element(let candidate)? in [rootResource, resource] where candidate.type == "Bundle" && !searched.contains(candidate) {
            searched.append(candidate)
            // A relative reference (`Type/id`) may also match an entry by its fullUrl's end or its
            // resource's type and id: decided once per Bundle, not for every entry.
            let relative = typeAndID.flatMap { target.contains("://") ? nil : $0 }
            for entry in candidate.children where entry.name == "entry" {
                guard let resource = entry.child(named: "resource") else { continue }
                if let fullUrl = entry.child(named: "fullUrl")?.value?.text {
                    if fullUrl == target { return .element(resource) }
                    if let typeAndID = relative, fullUrl.hasSuffix("/\(typeAndID.0)/\(typeAndID.1)") {
                        return .element(resource)
                    }
                }
                if let typeAndID = relative, resource.type == typeAndID.0,
                    resource.child(named: "id")?.value?.text == typeAndID.1
                {
                    return .element(resource)
                }
            }
        }
        return nil
    }

    /// The last two non-empty `/`-separated parts of a reference (`Patient/1` of
    /// `http://x/Patient/1/`), as `split(separator: "/")` gives them; `nil` when there are fewer.
    static func lastTwoParts(of text: String) -> (String, String)? {
        // ASCII: by bytes, where a `/` is always a character of its own (iterating the UTF-8
        // view cost some ten instructions a byte).
        let ascii: (String, String)?? = ByteScan.withBytes(of: text) { bytes in
            guard ByteScan.isASCII(bytes) else { return .none }
            let slash = UInt8(ascii: "/")
            // The last part found, then the one before it.
            var last: Range<Int>?
            var previous: Range<Int>?
            var end = bytes.count
            var index = end
            while index > 0, previous == nil {
                let before = index - 1
                if bytes[before] == slash {
                    if index < end {
                        if last == nil { last = index..<end } else { previous = index..<end }
                    }
                    end = before
                }
                index = before
            }
            if previous == nil, index < end {
                if last == nil { last = index..<end } else { previous = index..<end }
            }
            guard let last, let previous else { return .some(nil) }
            return .some((
                String(decoding: UnsafeBufferPointer(rebasing: bytes[previous]), as: UTF8.self),
                String(decoding: UnsafeBufferPointer(rebasing: bytes[last]), as: UTF8.self)))
        }
        if let ascii { return ascii }
        let parts = text.split(separator: "/")
        return parts.count >= 2 ? (String(parts[parts.count - 2]), String(parts[parts.count - 1])) : nil
    }

    /// Whether a code, `Coding` or `CodeableConcept` is in a value set; `nil` when unknown.
    static func isMember(_ item: Value, of valueSet: Definitions.ValueSet) -> Bool? {
        switch item {
        case .string(let code):
            return valueSet.contains(code: code, system: nil)
        case .element(let element) where element.value != nil:
            return valueSet.contains(code: element.value!.text, system: nil)
        case .element(let element) where element.type == "Coding":
            guard let code = element.child(named: "code")?.value?.text else { return nil }
            return valueSet.contains(code: code, system: element.child(named: "system")?.value?.text)
        case .element(let element) where element.type == "CodeableConcept":
            var unknown = false
            for coding in element.children where coding.name == "coding" {
                switch isMember(.element(coding), of: valueSet) {
                case true?: return true
                case nil: unknown = true
                case false?: continue
                }
            }
            return unknown ? nil : false
        default:
            return nil
        }
    }
}
