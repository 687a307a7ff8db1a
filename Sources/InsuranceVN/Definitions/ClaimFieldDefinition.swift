/// One field of a claim table as the 3176 standard defines it, with the gateway's check.
///
/// Loaded from `claim-tables.json`, which `scripts/generate-claim-tables` derives from the spec
/// tables; never written by hand.
public struct ClaimFieldDefinition: Hashable, Sendable {
    /// The element name under 3176 (`MA_LK`, `NGAY_VAO`, …).
    public var name: String
    /// The field's number (`STT`) in the spec table.
    public var number: Int
    /// String or number.
    public var type: ClaimFieldType
    /// The most characters the field may hold; `nil` when the spec says `n` (unbounded).
    public var maxSize: Int?
    /// Whether the gateway requires the field.
    public var requirement: ClaimRequirement
    /// The check the gateway applies, as its rules file states it; `nil` when it states none.
    public var check: String?
    /// Whether Decision 3176 amended the field (type, size, wording, name).
    public var isAmended: Bool
    /// Whether 3176 changed the field from a number to a string.
    public var isChangedToString: Bool
    /// Names the field had before a 3176 rename; a reader accepts them.
    public var formerNames: [String]
    /// Whether 3176 dropped the field: it is read from older files but not written.
    public var isRemoved: Bool
    /// The type in the gateway's (pre-3176) check sheet; `nil` when the rules file lacks the field.
    public var gatewayType: ClaimFieldType?
    /// The maximum size in the gateway's check sheet (`nil` for `n` or a field it lacks).
    public var gatewayMaxSize: Int?

    /// Whether older files wrote the field as a number that is now a fixed-width string, so a
    /// writer that dropped its leading zeros (`MA_DANTOC` `1` for `01`) can be undone: the
    /// gateway sheet types it as a number of the same maximum size as the 3176 string.
    public var isFormerFixedWidthNumber: Bool {
        type == .string && gatewayType == .number && maxSize != nil && gatewayMaxSize == maxSize
    }

    /// Creates a field definition.
    public init(
        name: String,
        number: Int,
        type: ClaimFieldType,
        maxSize: Int?,
        requirement: ClaimRequirement = .no,
        check: String? = nil,
        isAmended: Bool = false,
        isChangedToString: Bool = false,
        formerNames: [String] = [],
        isRemoved: Bool = false,
        gatewayType: ClaimFieldType? = nil,
        gatewayMaxSize: Int? = nil
    ) {
        self.name = name
        self.number = number
        self.type = type
        self.maxSize = maxSize
        self.requirement = requirement
        self.check = check
        self.isAmended = isAmended
        self.isChangedToString = isChangedToString
        self.formerNames = formerNames
        self.isRemoved = isRemoved
        self.gatewayType = gatewayType
        self.gatewayMaxSize = gatewayMaxSize
    }
}
