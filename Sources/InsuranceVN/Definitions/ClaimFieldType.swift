/// The data type of a claim field: `Chuỗi` (string) or `Số` (number) in the spec tables.
public enum ClaimFieldType: String, Hashable, Sendable {
    /// Text (`Chuỗi`).
    case string
    /// A number written with `.` as decimal point (`Số`).
    case number
}
