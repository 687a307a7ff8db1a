/// The question a card check (`KQNhanLichSuKCB2024`) asks: is this card valid for this person?
public struct CardCheckRequest: Hashable, Sendable {
    /// `maThe`: the 15-character card number.
    public var cardNumber: String
    /// `hoTen`: the holder's full name.
    public var name: String
    /// `ngaySinh`: the birth date as the gateway takes it, `dd/MM/yyyy` (or `yyyy` when only the year is known).
    public var birthDate: String
    /// `hoTenCb`: the name of the officer asking.
    public var officerName: String
    /// `cccdCb`: the citizen ID of the officer asking.
    public var officerID: String

    /// Creates a request.
    public init(cardNumber: String, name: String, birthDate: String, officerName: String = "", officerID: String = "") {
        self.cardNumber = cardNumber
        self.name = name
        self.birthDate = birthDate
        self.officerName = officerName
        self.officerID = officerID
    }

    /// The request's JSON members.
    var members: [String: String] {
        ["maThe": cardNumber, "hoTen": name, "ngaySinh": birthDate, "hoTenCb": officerName, "cccdCb": officerID]
    }
}
