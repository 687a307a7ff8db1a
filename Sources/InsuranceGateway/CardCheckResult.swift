/// The gateway's answer to a card check: a code and, for a known card, its facts.
///
/// The values are the holder's data: show them to the user who asked, never log them.
public struct CardCheckResult: Sendable {
    /// `maKetQua` (``GatewayResultCode/valid`` for a valid card).
    public var code: GatewayResultCode
    /// `ghiChu` or `thongDiep`: the gateway's note.
    public var note: String?
    /// `gtTheTu`: valid from.
    public var validFrom: String?
    /// `gtTheDen`: valid to.
    public var validTo: String?
    /// `maDKBD`: the facility the holder registered with.
    public var registeredFacility: String?
    /// `maTheMoi`: the new card, when one was issued.
    public var newCardNumber: String?
    /// Visits in the history list (`dsLichSuKCB2018`).
    public var visitCount: Int
    /// The whole reply.
    public var reply: GatewayReply

    /// Reads a reply; `nil` when it has no `maKetQua`.
    public init?(reply: GatewayReply) {
        guard let code = reply.resultCode else { return nil }
        self.code = code
        self.note = reply["ghiChu"] ?? reply["thongDiep"]
        self.validFrom = reply["gtTheTu"]
        self.validTo = reply["gtTheDen"]
        self.registeredFacility = reply["maDKBD"]
        self.newCardNumber = reply["maTheMoi"].flatMap { $0.isEmpty ? nil : $0 }
        self.visitCount = reply.list("dsLichSuKCB2018").count
        self.reply = reply
    }

    /// Whether the card is valid (`000`).
    public var isValid: Bool { code == .valid }
}
