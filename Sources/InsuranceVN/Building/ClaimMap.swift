public import Mapping

/// One FHIR → claims map (a `.map` file under `mappings/fhir-to-claims/`), parsed and checked:
/// which FHIRPath gives which field of one claim table (see `docs/MAPPING.md`, "FHIR → claims").
///
/// ```
/// table XML2
/// each %bundle.entry.resource.ofType(ChargeItem).where(product.exists())
///     code.coding.where(system = %drugCodes).code -> MA_THUOC
///     quantity.value -> SO_LUONG
///     priceOverride.value -> DON_GIA
/// ```
///
/// A flat table's (XML1's) rules are evaluated on the Bundle; a line table's rules sit under
/// `each FHIRPATH [if CONDITION]` blocks and are evaluated on each resource the block's source
/// gives, one record each, block after block.
public struct ClaimMap: Sendable {
    /// The map's name: the file name without `.map`.
    public var name: String
    /// The file, as errors and issues name it.
    public var file: String
    /// The table the map fills.
    public var table: ClaimTableDefinition
    /// A flat table's rules, evaluated on the Bundle.
    public var rules: [Rule]
    /// A line table's blocks: one record per resource each gives.
    public var blocks: [Block]
    /// How many subexpressions the flat rules share (evaluated once per record).
    var sharedSlots = 0

    /// A FHIRPath expression of a rule, compiled, with its text (as in the FHIR → HL7 v2 maps).
    public typealias Expression = FHIRPathRuleExpression

    /// Where a value comes from: a FHIRPath expression or a constant in double quotes (`"1"`), as in
    /// the FHIR → HL7 v2 maps.
    public typealias Source = FHIRPathRuleSource

    /// How a value is written, when not by the field's type alone.
    public enum Conversion: Sendable, Hashable {
        /// `via date`: `yyyyMMdd`.
        case date
        /// `via dateTime`: `yyyyMMddHHmm`.
        case dateTime
        /// `via vocabulary NAME`: the code looked up in a ConceptMap of `mappings/vocabulary/`.
        case vocabulary(String)
    }

    /// `SOURCE -> FIELD [via CONVERSION] [if CONDITION]`.
    public struct Rule: Sendable {
        /// The line in the file.
        public var line: Int
        /// Where the value comes from.
        public var source: Source
        /// The field's name as the table defines it.
        public var field: String
        /// The field's position in the table's fields.
        public var fieldIndex: Int
        /// How the value is written; `nil`: by the field's type.
        public var conversion: Conversion?
        /// A FHIRPath condition on the same input as the source.
        public var condition: Expression?
        /// Where a build keeps the value of the source and of the condition when they do not
        /// depend on the input (``ClaimMapLibrary/numberingExpressions(_:)``); -1 when not numbered.
        var sourceSlot = -1
        var conditionSlot = -1
        /// The source's expression, `nil` for a constant: read in place by the builder. Set with
        /// the slots, which every library sets when its maps load.
        var sourceExpression: Expression?
    }

    /// `each SOURCE [if CONDITION]` and the rules under it.
    public struct Block: Sendable {
        /// The line in the file.
        public var line: Int
        /// The resources (or other items) that each make a record.
        public var source: Expression
        /// Which of them make one.
        public var condition: Expression?
        /// The rules, evaluated on each item.
        public var rules: [Rule]
        /// How many subexpressions the condition and rules share (evaluated once per item).
        var sharedSlots = 0
        /// As ``Rule/sourceSlot`` and ``Rule/conditionSlot``.
        var sourceSlot = -1
        var conditionSlot = -1
    }
}
