/// Whether the gateway requires a field, from the `required` column of the gateway rules.
public enum ClaimRequirement: Hashable, Sendable {
    /// Always required (`x`).
    case always
    /// Required under a condition, given as the rules file states it (Vietnamese prose such as
    /// `Chỉ bắt buộc khi MA_DICH_VU và MA_VAT_TU null`, or a reference such as `Như QĐ 4210`).
    case conditional(String)
    /// Not required (an empty cell, or a field the rules file lacks).
    case no
}
