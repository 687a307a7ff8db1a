/// A card the simulated gateway knows, for card checks. Fictional data only.
///
/// A card file (`lienthong sim insurance-gateway --cards FILE`) is a JSON array of these:
/// `[{"maThe": "HT3797912345678", "hoTen": "…", "ngaySinh": "12/08/1965", "gtTheTu": "20240101",
/// "gtTheDen": "20291231", "maDKBD": "79001"}]`, with `revoked` and `maTheMoi` optional.
public struct SimulatedCard: Codable, Hashable, Sendable {
    /// `maThe`, 15 characters.
    public var maThe: String
    /// `hoTen`.
    public var hoTen: String
    /// `ngaySinh`, `dd/MM/yyyy` (or `yyyyMMdd`, or `yyyy`).
    public var ngaySinh: String
    /// `gtTheTu`, `yyyyMMdd`.
    public var gtTheTu: String
    /// `gtTheDen`, `yyyyMMdd`.
    public var gtTheDen: String
    /// `maDKBD`: the facility the holder registered with.
    public var maDKBD: String
    /// Revoked cards answer 110.
    public var revoked: Bool?
    /// A replaced card answers 003 with this new number.
    public var maTheMoi: String?

    /// Creates a card.
    public init(
        maThe: String, hoTen: String, ngaySinh: String, gtTheTu: String, gtTheDen: String, maDKBD: String, revoked: Bool? = nil,
        maTheMoi: String? = nil
    ) {
        self.maThe = maThe
        self.hoTen = hoTen
        self.ngaySinh = ngaySinh
        self.gtTheTu = gtTheTu
        self.gtTheDen = gtTheDen
        self.maDKBD = maDKBD
        self.revoked = revoked
        self.maTheMoi = maTheMoi
    }

    /// The cards a simulator knows without a card file (fictional people; the first matches
    /// the outpatient test fixture's card, with a validity running to 2099).
    public static let examples: [SimulatedCard] = [
        SimulatedCard(maThe: "HT3797912345678", hoTen: "Trần Thị Hồng Nhung", ngaySinh: "12/08/1965", gtTheTu: "20240101", gtTheDen: "20991231", maDKBD: "79001"),
        SimulatedCard(maThe: "DN4790123456789", hoTen: "Lê Văn Minh", ngaySinh: "03/02/1990", gtTheTu: "20200101", gtTheDen: "20201231", maDKBD: "79001"),
        SimulatedCard(maThe: "HC4010987654321", hoTen: "Phạm Thu Hà", ngaySinh: "21/11/1978", gtTheTu: "20240101", gtTheDen: "20991231", maDKBD: "01013", revoked: true),
        SimulatedCard(
            maThe: "GD4791112223334", hoTen: "Võ Thanh Tâm", ngaySinh: "01/01/1950", gtTheTu: "20230101", gtTheDen: "20991231", maDKBD: "79001",
            maTheMoi: "GD4795556667778"),
    ]
}
