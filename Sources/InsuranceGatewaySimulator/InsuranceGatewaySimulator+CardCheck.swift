import Foundation
import Hummingbird
import InsuranceGateway
import Logging

extension InsuranceGatewaySimulator {
    /// A card check: injected failures, the token (in the query), then the card list.
    func checkCard(_ request: Request, context: BasicRequestContext) async -> Response {
        if let failure = await injectedFailure() { return failure }
        var query: [String: String] = [:]
        for (name, value) in FormEncoding.decode(request.uri.query ?? "") where query[name] == nil { query[name] = value }
        guard state.isValid(accessToken: query["token"], idToken: query["id_token"], now: Date()),
            query["username"] == configuration.credentials.username, query["password"] == configuration.credentials.passwordHash
        else {
            return refused()
        }
        state.countCardCheck()
        let form = await Self.form(request)
        let answer = Self.cardAnswer(
            cardNumber: form["maThe"] ?? "", name: form["hoTen"] ?? "", birthDate: form["ngaySinh"] ?? "", cards: configuration.cards,
            today: Self.timestamp(Date()).prefix(8))
        logger.info("answered a card check", metadata: ["sim.result_code": "\(answer["maKetQua"] ?? "")"])
        return Self.json(answer)
    }

    /// The answer for a card, from the card list (pure, for tests).
    ///
    /// In order: 205 for a missing parameter; 051 for a number not shaped as a card number;
    /// 001 / 002 for the army's (QN) and police's (CA) cards; for a listed card 110 revoked,
    /// 003 replaced, 060 wrong name, 070 wrong birth date, 010 expired, otherwise 000; for an
    /// unlisted number whose 10-digit insurance number is listed, 052 (other province), 053
    /// (other benefit level) or 051; otherwise 050.
    static func cardAnswer(cardNumber: String, name: String, birthDate: String, cards: [SimulatedCard], today: Substring) -> [String: String] {
        func code(_ code: String, _ note: String) -> [String: String] { ["maKetQua": code, "ghiChu": note] }
        guard !cardNumber.isEmpty, !name.isEmpty, !birthDate.isEmpty else { return code("205", "Thiếu tham số") }
        let characters = Array(cardNumber.utf8)
        let letters = characters.prefix(2).allSatisfy { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
        let digits = characters.dropFirst(2).allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
        guard characters.count == 15, letters, digits, (UInt8(ascii: "1")...UInt8(ascii: "5")).contains(characters[2]) else {
            return code("051", "Mã thẻ không đúng")
        }
        let group = cardNumber.prefix(2)
        if group == "QN" { return code("001", "Thẻ do BHXH Bộ Quốc phòng quản lý") }
        if group == "CA" { return code("002", "Thẻ do BHXH Bộ Công an quản lý") }
        guard let card = cards.first(where: { $0.maThe == cardNumber }) else {
            let socialNumber = cardNumber.suffix(10)
            guard let other = cards.first(where: { $0.maThe.suffix(10) == socialNumber }) else {
                return code("050", "Không có thông tin thẻ")
            }
            if other.maThe.prefix(2) == group, Array(other.maThe.utf8)[3...4] != characters[3...4] {
                return code("052", "Mã tỉnh không đúng")
            }
            if other.maThe.prefix(2) == group, Array(other.maThe.utf8)[2] != characters[2] {
                return code("053", "Mức hưởng không đúng")
            }
            return code("051", "Mã thẻ không đúng")
        }
        if card.revoked == true { return code("110", "Thẻ đã bị thu hồi") }
        var answer: [String: String] = [
            "maThe": card.maThe, "hoTen": card.hoTen, "ngaySinh": card.ngaySinh, "gtTheTu": card.gtTheTu, "gtTheDen": card.gtTheDen,
            "maDKBD": card.maDKBD,
        ]
        if let new = card.maTheMoi {
            answer["maTheMoi"] = new
            return answer.merging(code("003", "Thẻ cũ đã được cấp thẻ mới")) { $1 }
        }
        guard folded(card.hoTen) == folded(name) else { return answer.merging(code("060", "Họ tên không đúng")) { $1 } }
        guard sameBirthDate(card.ngaySinh, birthDate) else { return answer.merging(code("070", "Ngày sinh không đúng")) { $1 } }
        guard card.gtTheDen >= String(today) else { return answer.merging(code("010", "Thẻ hết giá trị sử dụng")) { $1 } }
        return answer.merging(code("000", "Thẻ hợp lệ")) { $1 }
    }

    /// Lower-cased, spaces collapsed (diacritics kept: they are part of a Vietnamese name).
    static func folded(_ name: String) -> String {
        name.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Whether two birth dates (`dd/MM/yyyy`, `yyyyMMdd` or `yyyy`) are the same; a year alone matches its year.
    static func sameBirthDate(_ first: String, _ second: String) -> Bool {
        func normal(_ text: String) -> String {
            let parts = text.split(separator: "/")
            if parts.count == 3 { return String(parts[2]) + String(parts[1]) + String(parts[0]) }
            return text
        }
        let (a, b) = (normal(first), normal(second))
        if a.count == 4 || b.count == 4 { return a.prefix(4) == b.prefix(4) }
        return a == b
    }
}
