import Foundation

/// Validates FHIR resources against the R4 definitions and profiles: cardinality, types,
/// primitive formats, bindings (value sets expanded locally; a value set that needs a
/// terminology server gives a warning), fixed and pattern values, invariants.
///
/// ```swift
/// let validator = Validator()
/// let outcome = validator.validate(json: bytes)
/// outcome.hasErrors                    // false
/// outcome.operationOutcome.json()      // an OperationOutcome resource
/// ```
public struct Validator: Sendable {
    /// Evaluates an invariant: `true`, `false`, or `nil` when it cannot be evaluated (the
    /// validator then reports nothing for it). Called with the expression, the element it
    /// applies to, the resource holding it and the outermost resource (the container of a
    /// contained resource, the Bundle of an entry).
    public typealias InvariantEvaluator = @Sendable (_ expression: String, _ element: Element, _ resource: Element, _ rootResource: Element) -> Bool?

    /// The definitions checked against.
    public var definitions: Definitions
    /// How invariants are evaluated; `nil` skips them.
    public var invariants: InvariantEvaluator? {
        get { evaluator }
        set {
            evaluator = newValue
            standardInvariants = nil
        }
    }
    private var evaluator: InvariantEvaluator?
    /// Set by ``standard(definitions:)``, with the definitions its evaluator uses: the walk then
    /// checks each constraint's ``ElementDefinition/Constraint/invariant`` itself, as the
    /// evaluator would, without looking the expression up.
    var standardInvariants: Definitions?
    /// Checks that depend on where the content comes from.
    public var options = Options()

    /// Creates a validator.
    public init(definitions: Definitions = .r4, invariants: InvariantEvaluator? = nil) {
        self.definitions = definitions
        self.evaluator = invariants
    }

    /// Reads and validates a resource in JSON: reading problems (bad JSON, unknown elements, wrong
    /// JSON types) come first, as errors.
    public func validate(json bytes: [UInt8], profiles: [String] = []) -> ValidationResult {
        validate(profiles: profiles) { () throws(FormatError) in try Element.read(json: bytes, definitions: definitions) }
    }

    /// Validates a resource read or built before, against its type, the profiles in its
    /// `meta.profile` and `profiles`.
    public func validate(_ resource: Element, profiles: [String] = []) -> ValidationResult {
        var walk = Walk(validator: self, root: resource)
        walk.validateResource(resource, path: ElementPath(resource.type), extraProfiles: profiles)
        return ValidationResult(issues: walk.issues)
    }

    /// Reads and validates a resource in XML, like ``validate(json:profiles:)``.
    public func validate(xml bytes: [UInt8], profiles: [String] = []) -> ValidationResult {
        validate(profiles: profiles) { () throws(FormatError) in try Element.read(xml: bytes, definitions: definitions) }
    }

    /// Reading problems first, then the validation of what could be read.
    private func validate(profiles: [String], reading read: () throws(FormatError) -> (Element?, [FormatError])) -> ValidationResult {
        let element: Element?
        let problems: [FormatError]
        do {
            (element, problems) = try read()
        } catch {
            return ValidationResult(issues: [ValidationIssue(reading: error)])
        }
        var issues = problems.map { ValidationIssue(reading: $0) }
        if let element { issues += validate(element, profiles: profiles).issues }
        return ValidationResult(issues: issues)
    }
}

extension Validator {
    /// One validation run: walks the resource with its definitions, collecting issues.
    struct Walk {
        let validator: Validator
        var definitions: Definitions { validator.definitions }
        /// The resource `%rootResource` names: the container of a contained resource, else the
        /// resource itself (an entry of a Bundle, a resource in Parameters).
        var root: Element
        var issues: [ValidationIssue] = []

        init(validator: Validator, root: Element) {
            self.validator = validator
            self.root = root
        }

        mutating func report(_ severity: ValidationIssue.Severity, _ code: ValidationIssue.Code, _ path: String, _ message: String, _ element: Element?, key: String? = nil) {
            issues.append(ValidationIssue(severity, code, at: path, message, position: element?.position, constraintKey: key))
        }

        mutating func report(_ severity: ValidationIssue.Severity, _ code: ValidationIssue.Code, _ path: ElementPath, _ message: String, _ element: Element?, key: String? = nil) {
            report(severity, code, path.description, message, element, key: key)
        }

        mutating func validateResource(_ resource: Element, path: ElementPath, extraProfiles: [String] = []) {
            guard let structure = definitions.structure(forType: resource.type), structure.kind == .resource else {
                report(.error, .notFound, path, "unknown resource type '\(resource.type)'", resource)
                return
            }
            validateContent(resource, structure: structure, definitionPath: structure.type, path: path, resource: resource)
            checkResourceRules(resource, path: path.description)
            let declared = resource.child(named: "meta")?.children(named: "profile").compactMap { $0.value?.text } ?? []
            var checked: Set<String> = []  // a profile both declared and asked for is checked once
            for url in declared + extraProfiles where checked.insert(Definitions.unversioned(url)).inserted {
                guard let profile = definitions.structure(url: url) else {
                    let severity: ValidationIssue.Severity = extraProfiles.contains(url) ? .error : .warning
                    report(severity, .notSupported, path, "profile \(url) is not known here, so it was not checked", resource)
                    continue
                }
                guard profile.type == resource.type else {
                    report(.error, .structure, path, "profile \(url) is for \(profile.type), not \(resource.type)", resource)
                    continue
                }
                if let missing = profile.missingBase {
                    report(.warning, .notSupported, path,
                           "profile \(url) derives from \(missing), which is not known here; its own rules are checked over the core \(profile.type)", resource)
                }
                validateContent(resource, structure: profile, definitionPath: profile.type, path: path, resource: resource)
                checkNarrativeControls(ofProfile: url, resource: resource, path: path)
                checkAdditionalBindings(ofProfile: url, resource: resource, path: path)
                checkValueAlternatives(ofProfile: url, resource: resource, path: path)
            }
        }

        /// Checks the children of `element` against the definitions under `definitionPath`, then
        /// each child, then the element's own invariants.
        mutating func validateContent(_ element: Element, structure: StructureDefinition, definitionPath: String, path: ElementPath, resource: Element) {
            validateContent(element, children: definitions.children(of: definitionPath, in: structure), path: path, resource: resource)
        }

        /// Checks the children of `element` against `children`, then each child, then the
        /// element's own invariants.
        mutating func validateContent(_ element: Element, children: ChildDefinitions, path: ElementPath, resource: Element) {
            // Items of each name, counted at the index of the first child definition of that name
            // (on the stack: no array per element).
            withUnsafeTemporaryAllocation(of: Int.self, capacity: children.elements.count) { counts in
                counts.initialize(repeating: 0)
                validateContent(element, children: children, path: path, resource: resource, counts: counts)
            }
        }

        /// ``validateContent(_:children:path:resource:)`` with room for the counts of the items of
        /// each child definition, all 0.
        private mutating func validateContent(
            _ element: Element, children: ChildDefinitions, path: ElementPath, resource: Element, counts: UnsafeMutableBufferPointer<Int>
        ) {
            let structure = children.structure
            let childDefinitions = children.elements
            // The children are read in place (a copy of each would count references to its
            // fields).
            // One link to this path for all the children's paths.
            let link = element.children.isEmpty ? nil : path.link
            element.children.withUnsafeBufferPointer { elementChildren in
                for position in elementChildren.indices {
                    let name = elementChildren[position].name
                    guard let number = children.index(named: name) else {
                        report(.error, .structure, path.child(name), "element '\(name)' is not allowed here", elementChildren[position])
                        continue
                    }
                    let definition = childDefinitions[number]
                    let index = counts[number]
                    counts[number] = index + 1
                    let childPath = ElementPath(parent: link!, name: name, index: definition.isRepeating ? index : nil)
                    validateElement(
                        elementChildren[position], definition: definition, structure: structure, path: childPath, resource: resource, parent: (children, number))
                }
            }
            for (number, cardinality) in children.cardinalities.enumerated() {
                let count = counts[children.countIndexes[number]]
                if count < cardinality.min {
                    let definition = childDefinitions[number]
                    report(.error, .required, path.child(definition.name),
                           "\(definition.name) is required (minimum \(definition.min), found \(count))", element)
                }
                if let max = cardinality.max, count > max {
                    let definition = childDefinitions[number]
                    report(.error, .structure, path.child(definition.name),
                           "\(definition.name) allows at most \(max) (found \(count))", element)
                }
            }
            for number in children.sliced {
                checkSlices(of: childDefinitions[number], in: element, structure: structure, path: path, resource: resource)
            }
            if let own = children.own {
                checkInvariants(own.constraints, on: element, path: path, resource: resource)
            }
        }

        /// Assigns the items of a sliced element to its slices by the discriminators, checks each
        /// slice's cardinality and each item against its slice; with `closed` slicing an item that
        /// fits no slice is an error.
        mutating func checkSlices(of definition: ElementDefinition, in element: Element, structure: StructureDefinition, path: ElementPath, resource: Element) {
            let slices = structure.slices(of: definition.id)
            let items = element.children.filter { $0.name == definition.name }
            var matched = [Int](repeating: 0, count: slices.count)
            // Slices whose discriminators cannot be decided here (a discriminator value not in
            // the definitions, resolve(), profiles) make the slicing undecided: no cardinality or
            // closed-slicing errors then, rather than false ones.
            var decided = true
            for (offset, item) in items.enumerated() {
                let itemPath = path.child(definition.name, index: definition.isRepeating ? offset : nil)
                var answers: [Bool?] = []
                for slice in slices { answers.append(sliceMatch(item, slice: slice, of: definition, in: structure)) }
                if answers.contains(where: { $0 == nil }) { decided = false }
                guard let slice = answers.firstIndex(where: { $0 == true }) else {
                    if decided, definition.slicing?.rules == "closed" {
                        report(.error, .structure, itemPath, "\(definition.name) fits none of the slices, and the slicing is closed", item)
                    }
                    continue
                }
                matched[slice] += 1
                let sliceDefinition = slices[slice]
                if let pattern = sliceDefinition.pattern, !Self.matches(item, pattern.value, exactly: false) {
                    report(.error, .value, itemPath, "value must match the pattern of slice \(sliceDefinition.sliceName ?? "")", item)
                }
                if let fixed = sliceDefinition.fixed, !Self.matches(item, fixed.value, exactly: true) {
                    report(.error, .value, itemPath, "value must be exactly the fixed value of slice \(sliceDefinition.sliceName ?? "")", item)
                }
                if !structure.children(of: sliceDefinition.id).isEmpty {
                    validateContent(item, structure: structure, definitionPath: sliceDefinition.id, path: itemPath, resource: resource)
                }
            }
            for (index, slice) in slices.enumerated() where decided || matched[index] > 0 {
                let name = "\(definition.name):\(slice.sliceName ?? "")"
                if matched[index] < slice.min {
                    report(.error, .structure, path.child(definition.name),
                           "slice '\(name)': minimum required = \(slice.min), but only found \(matched[index])", element)
                }
                if let max = slice.max, matched[index] > max {
                    report(.error, .structure, path.child(definition.name),
                           "slice '\(name)': maximum allowed = \(max), but found \(matched[index])", element)
                }
            }
        }

        /// Whether `item` belongs to `slice` (every discriminator of the slicing holds); `nil`
        /// when that cannot be decided here.
        static func matches(_ item: Element, slice: ElementDefinition, of sliced: ElementDefinition, in structure: StructureDefinition) -> Bool? {
            guard let discriminators = sliced.slicing?.discriminators, !discriminators.isEmpty else { return nil }
            for discriminator in discriminators {
                let isSelf = discriminator.path == "$this"
                let steps = isSelf ? [] : discriminator.path.split(separator: ".").map(String.init)
                if steps.contains(where: { $0.contains("(") }) { return nil }  // resolve(), ofType(): not supported
                var targets = [item]
                for step in steps { targets = targets.flatMap { $0.children(named: step) } }
                let definitionID = isSelf ? slice.id : slice.id + "." + steps.joined(separator: ".")
                let target = structure.element(at: definitionID)
                switch discriminator.type {
                case "value", "pattern":
                    // The value is the target's fixed value or pattern, or what the nearest
                    // definition on the discriminator's path (the slice itself, or `use` for
                    // `use.coding.code`) fixes or patterns at the rest of the path.
                    let known = Self.discriminatorValue(slice: slice, steps: steps, in: structure)
                    if let expected = known?.value {
                        let exactly = known?.exactly ?? false
                        guard targets.contains(where: { Walk.matches($0, expected, exactly: exactly) }) else { return false }
                    } else if discriminator.path == "url", let url = slice.types.first?.profiles.first {
                        // An extension slice: its url is the profile of its type.
                        guard targets.contains(where: { $0.value?.text == url }) else { return false }
                    } else if discriminators.count > 1, discriminators.contains(where: { other in
                        guard other.path != discriminator.path, let element = structure.element(at: slice.id + "." + other.path) else { return false }
                        return element.pattern != nil || element.fixed != nil
                    }) {
                        // Several discriminators, and this slice fixes another one but not this:
                        // it does not constrain this one (type/subtype slicing).
                        continue
                    } else {
                        return nil
                    }
                case "type":
                    // Any of the slice's types (`Practitioner` or `PractitionerRole`).
                    guard let types = (isSelf ? slice : target)?.types.map(\.code), !types.isEmpty else { return nil }
                    guard targets.contains(where: { types.contains($0.type) }) else { return false }
                case "exists":
                    let required = (target?.min ?? 0) >= 1
                    let forbidden = target?.max == 0
                    if required, targets.isEmpty { return false }
                    if forbidden, !targets.isEmpty { return false }
                default:
                    return nil
                }
            }
            return true
        }

        /// The value a slice gives a discriminator path: the fixed value or pattern of the longest
        /// prefix of the path the slice defines (the slice itself for the empty prefix), taken at
        /// the rest of the path; and whether it is fixed (matched exactly).
        static func discriminatorValue(slice: ElementDefinition, steps: [String], in structure: StructureDefinition) -> (value: Element, exactly: Bool)? {
            for length in stride(from: steps.count, through: 0, by: -1) {
                let definition = length == 0 ? slice : structure.element(at: slice.id + "." + steps[..<length].joined(separator: "."))
                guard let definition, let given = definition.fixed ?? definition.pattern else { continue }
                guard let value = Self.descendant(of: given.value, at: Array(steps[length...])) else { return nil }
                return (value, definition.fixed != nil)
            }
            return nil
        }

        /// The child of an untyped value at a discriminator path (`[]`: the value itself).
        static func descendant(of value: Element, at steps: [String]) -> Element? {
            var current = value
            for step in steps {
                guard let next = current.child(named: step) else { return nil }
                current = next
            }
            return current
        }

        /// Checks one element against its definition; `parent` (the definitions it is one of, and
        /// its index there) keeps what the children of each type are defined by.
        mutating func validateElement(
            _ element: Element, definition: ElementDefinition, structure: StructureDefinition, path: ElementPath, resource: Element,
            parent: (children: ChildDefinitions, number: Int)
        ) {
            parent.children.withPlan(ofChild: parent.number, type: element.type, definitions: definitions) { plan in
                validateElement(element, definition: definition, plan: plan, structure: structure, path: path, resource: resource)
            }
        }

        /// ``validateElement(_:definition:structure:path:resource:parent:)`` with the plan of the
        /// element's definition for its type.
        mutating func validateElement(
            _ element: Element, definition: ElementDefinition, plan: ChildPlan, structure: StructureDefinition, path: ElementPath,
            resource: Element
        ) {
            guard plan.isAllowed else {
                let allowed = definition.types.map(\.code)
                report(.error, .structure, path, "type \(element.type) is not allowed for \(definition.name) (allowed: \(allowed.joined(separator: ", ")))", element)
                return
            }
            if plan.isResource {
                if definition.name == "contained", !validator.options.validatesContainedResources { return }
                let outer = root
                if definition.name != "contained" { root = element }
                validateResource(element, path: path)
                root = outer
                return
            }
            let isPrimitive = plan.isPrimitive
            if isPrimitive {
                // Resource.id is typed `string` in the R4 definitions but is an `id`.
                validatePrimitive(element, definition: definition, as: plan.isResourceID ? "id" : element.type, kind: plan.primitiveKind, path: path)
            }
            if let binding = definition.binding, binding.strength == "required" || binding.strength == "extensible", let url = binding.valueSet {
                checkBinding(element, valueSet: url, strength: binding.strength, path: path) { url, definitions in
                    plan.bindingValueSet(url: url, definitions: definitions)
                }
            }
            if let fixed = definition.fixed {
                if !Self.matches(element, fixed.value, exactly: true) {
                    report(.error, .value, path, "value must be exactly the fixed value of the profile", element)
                }
            }
            if let pattern = definition.pattern {
                if !Self.matches(element, pattern.value, exactly: false) {
                    report(.error, .value, path, "value must match the pattern of the profile", element)
                }
            }
            let checks = plan.checks
            if !checks.isEmpty {
                if checks.contains(.reference) {
                    let definitions = definitions
                    checkReferenceTarget(element, definition: definition, path: path) { plan.targetTypes(definitions: definitions) }
                    checkReferenceFormat(element, path: path)
                }
                if checks.contains(.identifier) {
                    checkSystem(of: element, path: path)
                }
                if checks.contains(.coding) {
                    checkCodeSystem(element, path: path)
                }
                if checks.contains(.extension) {
                    checkExtension(element, path: path, resource: resource)
                }
                if checks.contains(.attachment) {
                    checkAttachment(element, path: path)
                }
                if checks.contains(.quantity), definition.minValue != nil || definition.maxValue != nil {
                    checkQuantityLimits(element, definition: definition, path: path)
                }
            }
            if !isPrimitive, !checks.contains(.extension), !checks.contains(.reference), !plan.profiles.isEmpty {
                checkTypeProfiles(plan.profiles, on: element, path: path, resource: resource)
            }
            // The children of an inline group, of a primitive (under Element) and of a type are
            // defined where the parent's definitions keep them (plan.content).
            if plan.hasInlineContent {
                if !isPrimitive, let content = plan.content {
                    validateContent(element, children: content, path: path, resource: resource)
                } else {
                    validateContent(element, structure: structure, definitionPath: definition.path, path: path, resource: resource)
                }
            } else if isPrimitive {
                if !element.children.isEmpty, let content = plan.content {
                    validateContent(element, children: content, path: path, resource: resource)
                }
                checkInvariants(definition.constraints, on: element, path: path, resource: resource)
            } else if structure.derivation == "constraint", !structure.children(of: definition.path).isEmpty {
                // A profile that constrains inside this element: its expanded children hold the
                // type's rules and the profile's.
                validateContent(element, structure: structure, definitionPath: definition.path, path: path, resource: resource)
            } else if let content = plan.content {
                validateContent(element, children: content, path: path, resource: resource)
                // The element's own invariants as used here (those of the type were checked).
                checkInvariants(plan.ownConstraints, on: element, path: path, resource: resource)
            }
        }

        /// A reference written `Type/id` (relative, or at the end of an absolute URL) must name a
        /// type the element allows (its `targetProfile`s).
        /// `targetTypes` gives the types of the definition's target profiles (looked up once per
        /// definition by the caller).
        mutating func checkReferenceTarget(_ element: Element, definition: ElementDefinition, path: ElementPath, targetTypes: () -> [String]) {
            guard let reference = element.childText(named: "reference"), !reference.hasPrefix("#"), !reference.hasPrefix("urn:"),
                let targets = definition.types.first(where: { $0.code == "Reference" })?.targetProfiles, !targets.isEmpty
            else { return }
            let type: String
            if let simple = Self.simpleReferenceType(reference) {
                type = String(simple)
            } else {
                // (`first`: a reference that is only `?` splits into nothing.)
                let parts = (reference.split(separator: "?", maxSplits: 1).first ?? "").split(separator: "/")
                // …/Type/id or …/Type/id/_history/version
                let typeIndex = parts.count >= 4 && parts[parts.count - 2] == "_history" ? parts.count - 4 : parts.count - 2
                guard typeIndex >= 0, parts.count >= 2 else { return }
                type = String(parts[typeIndex])
            }
            guard definitions.isResourceType(type) else { return }
            let allowed = targetTypes()
            guard !allowed.isEmpty, !allowed.contains("Resource") else { return }
            if !definitions.lineage(of: type).contains(where: allowed.contains) {
                report(.error, .structure, path, "the type '\(type)' of the reference is not a valid target here (must be one of \(allowed.joined(separator: ", ")))", element)
            }
        }

        /// Checks a primitive's value as a `type` (whose kind is `kind`).
        mutating func validatePrimitive(_ element: Element, definition: ElementDefinition, as type: String, kind: PrimitiveFormat.Kind, path: ElementPath) {
            guard let value = element.value else {
                if element.children.isEmpty {
                    report(.error, .required, path, "a primitive needs a value or extensions", element)
                }
                return
            }
            if value.text.isEmpty {
                report(.error, .value, path, "a value cannot be empty", element)
            } else if let problem = PrimitiveFormat.problem(with: value.text, type: type, kind: kind) {
                report(.error, .value, path, problem, element)
            }
            if let maxLength = definition.maxLength, value.text.count > maxLength {
                report(.error, .value, path, "longer than the maximum length \(maxLength)", element)
            }
            switch kind {
            case .string, .markdown, .uri, .url, .canonical: checkContentOptions(element, kind: kind, text: value.text, path: path)
            case .xhtml: checkNarrative(element, text: value.text, path: path)
            default: break
            }
            if value.text.utf8.count > 1_048_576, kind != .base64Binary {
                report(.error, .value, path, "longer than the largest value allowed, 1 MB (1048576 bytes)", element)
            }
            if definition.minValue != nil || definition.maxValue != nil, ["decimal", "integer", "positiveInt", "unsignedInt"].contains(type),
                let number = Decimal(string: value.text)
            {
                if let minimum = definition.minValue.flatMap({ Decimal(string: $0) }), number < minimum {
                    report(.error, .value, path, "the value is less than the minimum \(definition.minValue ?? "")", element)
                }
                if let maximum = definition.maxValue.flatMap({ Decimal(string: $0) }), number > maximum {
                    report(.error, .value, path, "the value is greater than the maximum \(definition.maxValue ?? "")", element)
                }
            }
        }

        /// Checks the codes of `element` against the value set at `url`; `lookUp` finds it (once
        /// per definition, for the validator's walk).
        mutating func checkBinding(
            _ element: Element, valueSet url: String, strength: String, path: ElementPath,
            lookUp: (String, Definitions) -> Definitions.ValueSet? = { url, definitions in definitions.valueSet(url: url) }
        ) {
            let codings: [(system: String?, code: String)]
            switch element.type {
            case "code":
                guard let code = element.value?.text else {
                    if strength == "required" {
                        report(.error, .codeInvalid, path, "no code given, and one is required from the value set \(url)", element)
                    }
                    return
                }
                codings = [(nil, code)]
            case "Coding", "Quantity":
                guard let code = element.childText(named: "code") else { return }
                codings = [(element.childText(named: "system"), code)]
            case "CodeableConcept":
                codings = element.children(named: "coding").compactMap { coding -> (system: String?, code: String)? in
                    guard let code = coding.childText(named: "code") else { return nil }
                    return (coding.childText(named: "system"), code)
                }
                if codings.isEmpty {
                    if strength == "required" {
                        report(.error, .codeInvalid, path, "no code given, and one is required from the value set \(url)", element)
                    }
                    return
                }
            default:
                return
            }
            guard let valueSet = lookUp(url, definitions) else {
                report(.warning, .notSupported, path, "value set \(url) is not known here; the code was not checked", element)
                return
            }
            let results = codings.map { valueSet.contains(code: $0.code, system: $0.system) }
            if results.contains(where: { $0 == nil }) {
                report(.warning, .notSupported, path, "value set \(url) needs a terminology server; the code was not checked", element)
                return
            }
            guard !results.contains(true) else { return }
            let severity: ValidationIssue.Severity = strength == "required" ? .error : .warning
            let shown = codings.map { ($0.system.map { $0 + "#" } ?? "") + $0.code }.joined(separator: ", ")
            report(severity, .codeInvalid, path, "\(shown) is not in the value set \(url) (\(strength))", element)
        }

        mutating func checkInvariants(_ constraints: [ElementDefinition.Constraint], on element: Element, path: ElementPath, resource: Element) {
            guard !constraints.isEmpty, let evaluate = validator.invariants else { return }
            let standard = validator.standardInvariants
            for constraint in constraints {
                // A constraint has its compiled invariant exactly when it has an expression.
                guard let invariant = constraint.invariant, !invariant.isEmpty else { continue }
                if !validator.options.validatesContainedResources, constraint.isDom3 { continue }
                let holds: Bool?
                if let standard {
                    // Most invariants are decided by the element alone: the resources (and a
                    // copy of the root) only for the others.
                    if let verdict = invariant.verdict(on: element) {
                        holds = verdict
                    } else {
                        holds = invariant.evaluateWithResources(on: element, resource: resource, rootResource: root, definitions: standard)
                    }
                } else {
                    holds = evaluate(invariant.expression, element, resource, root)
                }
                if holds == false {
                    let severity: ValidationIssue.Severity = constraint.severity == "error" ? .error : .warning
                    report(severity, .invariant, path, "\(constraint.key): \(constraint.human)", element, key: constraint.key)
                }
            }
        }

        /// Whether `element` has the fixed value (exactly: nothing more) or the pattern (at
        /// least what the pattern has). The expected value is an untyped tree.
        static func matches(_ element: Element, _ expected: Element, exactly: Bool) -> Bool {
            if let value = expected.value, element.value?.text != value.text { return false }
            if exactly, expected.value == nil, element.value != nil { return false }
            var available = element.children
            for child in expected.children {
                guard let index = available.firstIndex(where: { $0.name == child.name && matches($0, child, exactly: exactly) }) else {
                    return false
                }
                available.remove(at: index)
            }
            return !exactly || available.isEmpty
        }
    }
}
