import Foundation
import Hummingbird
import HTTPTypes
import InsuranceGateway
import InsuranceVN
import Logging

extension InsuranceGatewaySimulator {
    /// What a request to a submission path carries.
    enum FileKind {
        case submission
        case checkIn

        var name: String { self == .submission ? "submission" : "check-in" }
        var loaiHoSo: String { self == .submission ? "130" : "0" }
    }

    /// At most this many problems are listed in a rejection's `thongDiep`.
    static let listedProblems = 20

    /// A submission or a check-in: injected failures, the token, the parameters, the file, the rules.
    func receive(_ request: Request, context: BasicRequestContext, kind: FileKind) async -> Response {
        if let failure = await injectedFailure() { return failure }
        let form = await Self.form(request)
        let headers = request.headers
        guard state.isValid(accessToken: headers[HTTPField.Name("accessToken")!], idToken: headers[HTTPField.Name("tokenId")!], now: Date()),
            headers[HTTPField.Name("passwordHash")!] == configuration.credentials.passwordHash,
            form["username"] == configuration.credentials.username
        else {
            return refused()
        }
        func answer(_ code: String, _ message: String, tables: [String] = [], content: Data = Data(), facility: String = "") -> Response {
            let accepted = code == "200"
            let transaction = accepted ? state.nextTransactionID() : nil
            let received = Date()
            let file = ReceivedFile(
                kind: kind.name, facilityCode: facility, tables: tables, resultCode: code, transactionID: transaction, message: message,
                receivedAt: received, content: content)
            state.record(file)
            store(file, number: state.received.count)
            logger.info("answered a \(kind.name)", metadata: ["sim.result_code": "\(code)"])
            var body: [String: String] = ["maKetQua": code, "thongDiep": message, "thoiGianTiepNhan": Self.timestamp(received)]
            if let transaction { body["maGiaoDich"] = transaction }
            return Self.json(body)
        }
        for name in ["loaiHoSo", "maTinh", "maCSKCB", "fileHSBase64"] where (form[name] ?? "").isEmpty {
            return answer("205", "Thiếu tham số \(name)")
        }
        let facility = form["maCSKCB"] ?? ""
        guard form["loaiHoSo"] == kind.loaiHoSo else {
            return answer("205", "loaiHoSo phải là \(kind.loaiHoSo)", facility: facility)
        }
        guard form["maTinh"] == String(facility.prefix(2)) else {
            return answer("205", "maTinh không khớp với maCSKCB", facility: facility)
        }
        let base64 = String((form["fileHSBase64"] ?? "").unicodeScalars.filter { !" \t\r\n".unicodeScalars.contains($0) })
        guard let content = Data(base64Encoded: base64) else {
            return answer("205", "fileHSBase64 không phải là base64", facility: facility)
        }
        let tables: [String]
        let problems: [ClaimProblem]
        do {
            switch kind {
            case .submission:
                let envelope = try ClaimEnvelope(xml: content, definitions: configuration.validator.definitions)
                tables = envelope.files.map(\.table)
                guard envelope.facilityCode == facility else {
                    return answer("205", "maCSKCB không khớp với MACSKCB của hồ sơ", tables: tables, content: content, facility: facility)
                }
                problems = try configuration.validator.validate(envelope)
            case .checkIn:
                guard let table = configuration.validator.definitions["XML0"] else {
                    return answer("100", "Không có định nghĩa XML0", content: content, facility: facility)
                }
                let document = try ClaimTableDocument(xml: content, table: table)
                tables = ["XML0"]
                problems = configuration.validator.validate(document)
            }
        } catch {
            // ClaimError's description names places and reasons, never values.
            return answer("100", "Hồ sơ không đọc được: \(error)", content: content, facility: facility)
        }
        let errors = problems.filter { $0.severity == .error }
        guard errors.isEmpty else {
            var lines = errors.prefix(Self.listedProblems).map { "\($0.table) bản ghi \($0.record) \($0.field): \($0.vietnamese) [\($0.rule)]" }
            if errors.count > Self.listedProblems { lines.append("… và \(errors.count - Self.listedProblems) lỗi khác") }
            return answer("100", "Hồ sơ có \(errors.count) lỗi: " + lines.joined(separator: "; "), tables: tables, content: content, facility: facility)
        }
        if state.takeRejection() {
            return answer("100", "Hồ sơ bị từ chối (mô phỏng)", tables: tables, content: content, facility: facility)
        }
        return answer("200", kind == .submission ? "Tiếp nhận hồ sơ thành công" : "Check-in thành công", tables: tables, content: content, facility: facility)
    }

    /// Writes a received file to the storage folder, when there is one.
    func store(_ file: ReceivedFile, number: Int) {
        guard let folder = configuration.storageDirectory else { return }
        let name = "\(number)-\(file.transactionID ?? file.resultCode).xml"
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try file.content.write(to: folder.appendingPathComponent(name))
        } catch {
            logger.warning("cannot write a received file", metadata: ["sim.file": "\(name)"])
        }
    }

    /// `yyyyMMddHHmmss` in Vietnam's time (UTC+7).
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d%02d%02d%02d%02d%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0,
            parts.second ?? 0)
    }
}
