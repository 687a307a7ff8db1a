import Foundation
import InsuranceGateway
import InsuranceGatewaySimulator
import InsuranceVN
import Logging
import Synchronization
import SimulatorSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite struct InsuranceGatewayClientTests {
    typealias Support = GatewayTestSupport

    @Test func passwordIsSentAsUpperCaseMD5AndNeverDescribed() {
        let credentials = GatewayCredentials(username: "u", password: "abc")
        #expect(credentials.passwordHash == "900150983CD24FB0D6963F7D28E17F72")
        #expect(GatewayCredentials(username: "u", password: "").passwordHash == "D41D8CD98F00B204E9800998ECF8427E")
        #expect(!"\(credentials)".contains("abc") && !"\(credentials)".contains("9001509"))
        let configuration = InsuranceGatewayClient.Configuration(url: URL(string: "http://gw")!, credentials: credentials)
        #expect(!"\(configuration)".contains("abc"))
    }

    @Test func formEncodingKeepsBase64AndVietnamese() {
        let fields = [("fileHSBase64", "ab+/cd=="), ("hoTen", "Trần Thị & Nhung"), ("x", "a=b")]
        let encoded = FormEncoding.encode(fields)
        #expect(!encoded.contains("+/"))
        #expect(encoded.contains("ab%2B%2Fcd%3D%3D"))
        let decoded = FormEncoding.decode(encoded)
        #expect(decoded.map(\.0) == fields.map(\.0))
        #expect(decoded.map(\.1) == fields.map(\.1))
    }

    /// Each kind of answer, classified without a network.
    @Test(arguments: [
        (200, #"{"maKetQua":"200","maGiaoDich":"GD1","thongDiep":"ok"}"#, "accepted"),
        (200, #"{"maKetQua":0,"maGiaoDich":"GD2"}"#, "rejected"),  // the number 0 is not the code "000"
        (200, #"{"maKetQua":"000","maGiaoDich":"GD3"}"#, "accepted"),
        (200, #"{"maKetQua":"100","thongDiep":"XML1 sai"}"#, "rejected"),
        (200, #"{"maKetQua":"101","thongDiep":"lỗi máy chủ"}"#, "retry"),
        (200, #"{"maKetQua":"401"}"#, "retry"),
        (200, "<html>gateway page</html>", "retry"),
        (401, "", "retry"),
        (429, "", "retry"),
        (503, "busy", "retry"),
        (504, "", "retry"),
        (400, #"{"maKetQua":"205","thongDiep":"thiếu maCSKCB"}"#, "rejected"),
        (404, "", "rejected"),
    ])
    func classifiesAnswers(status: Int, body: String, expected: String) {
        let result = SubmissionResult(httpStatus: status, body: Array(body.utf8))
        switch result.outcome {
        case .accepted: #expect(expected == "accepted", "\(result)")
        case .retryLater: #expect(expected == "retry", "\(result)")
        case .rejected: #expect(expected == "rejected", "\(result)")
        }
        if expected != "accepted" { #expect(result.reason != nil) }
        #expect(result.refusesToken == (status == 401 || body.contains(#""401""#)))
    }

    @Test func retryAfterIsKept() {
        let result = SubmissionResult(httpStatus: 503, retryAfter: "7", body: [])
        #expect(result.outcome == .retryLater(retryAfter: .seconds(7)))
        let rejected = SubmissionResult(httpStatus: 200, body: Array(#"{"maKetQua":"100","thongDiep":"XML2 sai THANH_TIEN_BV"}"#.utf8))
        #expect(rejected.reason == "maKetQua 100: XML2 sai THANH_TIEN_BV")
        #expect(rejected.message == "XML2 sai THANH_TIEN_BV")
    }

    @Test func submitsEnvelopesWithOneCachedToken() async throws {
        let simulator = Support.simulator()
        let envelope = try Support.envelope()
        try await simulator.withRunning { url in
            let client = Support.client(url)
            let first = await client.submit(envelope, facilityCode: "79001")
            let second = await client.submit(envelope, facilityCode: "79001")
            #expect(first.outcome == .accepted, "\(first)")
            #expect(second.outcome == .accepted, "\(second)")
            #expect(first.transactionID != nil && first.transactionID != second.transactionID)
            #expect(first.receivedAt?.count == 14)
        }
        #expect(simulator.state.tokenRequests == 1)
        let received = simulator.state.received
        #expect(received.map(\.kind) == ["submission", "submission"])
        #expect(received.first?.tables == ["XML1", "XML2", "XML3"])
        #expect(received.first?.facilityCode == "79001")
        #expect(received.first?.content == envelope)
    }

    /// A token is kept until `expires_in` less the renewal margin has passed on the client's clock.
    @Test func tokenIsRenewedWhenItsLifetimeRunsOut() async throws {
        let simulator = InsuranceGatewaySimulator(
            configuration: .init(credentials: Support.credentials, tokenLifetime: .seconds(3600)), logger: Support.quiet)
        let clock = Mutex(Date(timeIntervalSince1970: 1_750_000_000))
        try await simulator.withRunning { url in
            let client = InsuranceGatewayClient(
                configuration: .init(url: url, credentials: Support.credentials, tokenRenewalMargin: .seconds(60)), logger: Support.quiet,
                now: { clock.withLock { $0 } })
            let first = try await client.token()
            clock.withLock { $0 = $0.addingTimeInterval(3500) }
            #expect(try await client.token() == first)
            clock.withLock { $0 = $0.addingTimeInterval(60) }
            let second = try await client.token()
            #expect(second != first)
            #expect(second.expiresAt == clock.withLock { $0 }.addingTimeInterval(3540))
        }
        #expect(simulator.state.tokenRequests == 2)
    }

    /// A refused token (HTTP 401, or HTTP 200 with maKetQua 401) is renewed once and the request sent again.
    @Test(arguments: [401, 200])
    func renewsARefusedToken(refusedStatus: Int) async throws {
        let simulator = Support.simulator(refusedTokenStatus: refusedStatus)
        let envelope = try Support.envelope()
        try await simulator.withRunning { url in
            let client = Support.client(url)
            #expect(await client.submit(envelope, facilityCode: "79001").outcome == .accepted)
            simulator.state.apply(SimulatorControl(expireTokens: true))
            let result = await client.submit(envelope, facilityCode: "79001")
            #expect(result.outcome == .accepted, "\(result)")
            // A card check with an expired token renews it too.
            simulator.state.apply(SimulatorControl(expireTokens: true))
            let card = try await client.checkCard(CardCheckRequest(cardNumber: "HT3797912345678", name: "Trần Thị Hồng Nhung", birthDate: "12/08/1965"))
            #expect(card.code == .valid)
        }
        #expect(simulator.state.tokenRequests == 3)
        #expect(simulator.state.received.count == 2)
    }

    @Test func transientFailuresAreRetriedLater() async throws {
        let simulator = Support.simulator()
        let envelope = try Support.envelope()
        try await simulator.withRunning { url in
            let client = Support.client(url)
            simulator.state.apply(SimulatorControl(failNext: 1))
            let unavailable = await client.submit(envelope, facilityCode: "79001")
            #expect(unavailable.outcome == .retryLater(retryAfter: nil))
            #expect(unavailable.httpStatus == 503)

            // A client that waits half a second, with its token taken before the delay is set.
            let impatient = Support.client(url, timeout: .milliseconds(500))
            _ = try await impatient.token()
            simulator.state.apply(SimulatorControl(delayNext: 1, delaySeconds: 1.5))
            let slow = await impatient.submit(envelope, facilityCode: "79001")
            #expect(slow.outcome == .retryLater(retryAfter: nil))
            #expect(slow.reason?.contains("timedOut") == true, "\(slow)")

            simulator.state.apply(SimulatorControl(failNext: 1, failStatus: 502))
            let card = await #expect(throws: InsuranceGatewayError.self) {
                try await client.checkCard(CardCheckRequest(cardNumber: "HT3797912345678", name: "x", birthDate: "1965"))
            }
            #expect(card?.httpStatus == 502)
        }
        // The injected failures never reached the rules; the slow request may have been taken
        // after the client gave up on it (why a timeout is retried and the gateway must dedupe).
        #expect(simulator.state.received.count <= 1)

        // No gateway at all: the port is closed now.
        let port = try await simulator.withRunning { url in url.port ?? 0 }
        let closed = await Support.client(URL(string: "http://127.0.0.1:\(port)")!, timeout: .seconds(2)).submit(envelope, facilityCode: "79001")
        #expect(closed.outcome == .retryLater(retryAfter: nil))
        #expect(closed.reason != nil)
    }

    @Test func rejectionsCarryTheGatewaysReason() async throws {
        let simulator = Support.simulator()
        try await simulator.withRunning { url in
            let client = Support.client(url)
            let broken = await client.submit(try Support.envelope(broken: true), facilityCode: "79001")
            #expect(broken.outcome == .rejected)
            #expect(broken.resultCode == "100")
            #expect(broken.reason?.contains("XML2.THANH_TIEN_BV.amount") == true, "\(broken)")
            #expect(broken.transactionID == nil)

            simulator.state.apply(SimulatorControl(rejectNext: 1))
            let refused = await client.submit(try Support.envelope(), facilityCode: "79001")
            #expect(refused.outcome == .rejected)
            #expect(refused.reason?.contains("mô phỏng") == true)

            let wrongFacility = await client.submit(try Support.envelope(), facilityCode: "01013")
            #expect(wrongFacility.outcome == .rejected)
            #expect(wrongFacility.resultCode == .badParameter)

            let notXML = await client.submit(Array("not an envelope".utf8), facilityCode: "79001")
            #expect(notXML.outcome == .rejected)
            #expect(notXML.reason?.contains("invalidXML") == true, "\(notXML)")
        }
        #expect(simulator.state.received.map(\.resultCode) == ["100", "100", "205", "100"])
    }

    @Test func refusedAccountIsAnAuthenticationFailureAndRetriedLater() async throws {
        let simulator = Support.simulator()
        try await simulator.withRunning { url in
            let client = Support.client(url, password: "wrong")
            let error = await #expect(throws: InsuranceGatewayError.self) { try await client.token() }
            #expect(error?.code == .authenticationFailed)
            let result = await client.submit(try Support.envelope(), facilityCode: "79001")
            #expect(result.outcome == .retryLater(retryAfter: nil))
            #expect(result.reason?.contains("authenticationFailed") == true)
        }
        #expect(simulator.state.received.isEmpty)
    }

    @Test func checksCardsByShapeAndList() async throws {
        let simulator = Support.simulator()
        try await simulator.withRunning { url in
            let client = Support.client(url)
            func check(_ card: String, _ name: String = "Trần Thị Hồng Nhung", _ birth: String = "12/08/1965") async throws -> GatewayResultCode {
                try await client.checkCard(CardCheckRequest(cardNumber: card, name: name, birthDate: birth, officerName: "Cán bộ", officerID: "079000000001")).code
            }
            let valid = try await client.checkCard(CardCheckRequest(cardNumber: "HT3797912345678", name: "trần thị  hồng nhung", birthDate: "12/08/1965"))
            #expect(valid.isValid)
            #expect(valid.validTo == "20991231")
            #expect(valid.registeredFacility == "79001")
            #expect(try await check("HT3797912345678", "Trần Văn Khác") == .wrongName)
            #expect(try await check("HT3797912345678", "Trần Thị Hồng Nhung", "13/08/1965") == .wrongBirthDate)
            #expect(try await check("DN4790123456789", "Lê Văn Minh", "03/02/1990") == .expired)
            #expect(try await check("HC4010987654321", "Phạm Thu Hà", "21/11/1978") == .revoked)
            #expect(try await check("GD4791112223334", "Võ Thanh Tâm", "01/01/1950") == .replaced)
            #expect(try await check("HT3017912345678") == .wrongProvince)
            #expect(try await check("HT2797912345678") == .wrongBenefitLevel)
            #expect(try await check("HT3790000000000") == .noData)
            #expect(try await check("HT37979123") == .wrongCardNumber)
            #expect(try await check("QN5790000000001") == .managedByArmy)
            #expect(try await check("HT3797912345678", "") == .badParameter)
        }
        #expect(simulator.state.cardChecks == 12)
    }

    /// The control endpoint and the lists, as a demo drives them over HTTP.
    @Test func controlEndpointInjectsFailuresAndListsWhatArrived() async throws {
        let simulator = Support.simulator()
        try await simulator.withRunning { url in
            var control = URLRequest(url: url.appendingPathComponent("sim/control"))
            control.httpMethod = "POST"
            control.httpBody = Data(#"{"failNext": 1, "failStatus": 429}"#.utf8)
            let (stats, response) = try await URLSession.shared.data(for: control)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
            #expect(String(decoding: stats, as: UTF8.self).contains(#""failNext":1"#))

            let client = Support.client(url)
            let limited = await client.submit(try Support.envelope(), facilityCode: "79001")
            #expect(limited.httpStatus == 429)
            #expect(limited.outcome == .retryLater(retryAfter: nil))
            #expect(await client.submit(try Support.envelope(), facilityCode: "79001").outcome == .accepted)

            let (list, _) = try await URLSession.shared.data(from: url.appendingPathComponent("sim/received"))
            let received = try #require(try JSONSerialization.jsonObject(with: list) as? [[String: Any]])
            #expect(received.count == 1)
            #expect(received.first?["resultCode"] as? String == "200")
            #expect(received.first?["tables"] as? [String] == ["XML1", "XML2", "XML3"])
            #expect(received.first?["content"] == nil, "the list carries no claim data")

            control.httpBody = Data("not json".utf8)
            let (_, refused) = try await URLSession.shared.data(for: control)
            #expect((refused as? HTTPURLResponse)?.statusCode == 400)
        }
    }

    @Test func sendsACheckIn() async throws {
        let simulator = Support.simulator()
        let summary = try Support.documents()[0].records[0]
        let table = try #require(ClaimDefinitions.standard["XML0"])
        var record = ClaimRecord(table: table)
        for field in table.fields where !field.isRemoved {
            if let text = summary[field.name] { try record.setText(text, for: field.name) }
        }
        try record.setText("1", for: "STT")
        try record.setText(summary["NGAY_VAO"], for: "NGAY_YL")
        let service = try Support.documents()[2].records[0]
        try record.setText(service["MA_DICH_VU"], for: "MA_DICH_VU")
        try record.setText(service["TEN_DICH_VU"], for: "TEN_DICH_VU")
        let document = ClaimTableDocument(table: table, records: [record])
        #expect(ClaimValidator().validate(document).filter { $0.severity == .error }.map(\.description) == [])
        try await simulator.withRunning { url in
            let client = Support.client(url)
            let result = await client.checkIn(try document.xml(), facilityCode: "79001")
            #expect(result.outcome == .accepted, "\(result)")
        }
        #expect(simulator.state.received.map(\.kind) == ["check-in"])
        #expect(simulator.state.received.first?.tables == ["XML0"])
    }

    /// Credentials, tokens and patient data never reach the logs, at any level.
    @Test func logsHoldNoCredentialsTokensOrPatientData() async throws {
        let recorder = LogRecorder()
        let simulator = Support.simulator()
        var secrets: [String] = [Support.credentials.password, Support.credentials.passwordHash]
        try await simulator.withRunning { url in
            let client = Support.client(url, logger: recorder.logger)
            _ = await client.submit(try Support.envelope(), facilityCode: "79001")
            _ = await client.submit(try Support.envelope(broken: true), facilityCode: "79001")
            simulator.state.apply(SimulatorControl(expireTokens: true))
            _ = try await client.checkCard(CardCheckRequest(cardNumber: "HT3797912345678", name: "Trần Thị Hồng Nhung", birthDate: "12/08/1965"))
            let token = try await client.token()
            secrets += [token.accessToken, token.idToken]
            #expect(!"\(token)".contains(token.accessToken))
        }
        let text = recorder.text
        #expect(text.contains("gateway answered a submission"), "the log is not empty")
        #expect(text.contains("the gateway refused the token"))
        for secret in secrets + ["HT3797912345678", "Trần Thị Hồng Nhung", Support.credentials.username] {
            #expect(!text.contains(secret))
        }
    }
}
