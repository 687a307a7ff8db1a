import Crypto
import FHIR
import Foundation
import Logging
import NationalPlatform
import Testing
import _CryptoExtras

@Suite struct NationalPlatformClientTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    static let cccd = "https://fhir.hl7.org.vn/core/sid/cccd"

    static func patient(_ number: String = "079123456789") throws -> Element {
        try Element(json: Array(#"{"resourceType":"Patient","identifier":[{"system":"\#(cccd)","value":"\#(number)"}],"gender":"female"}"#.utf8))
    }

    static func transaction() throws -> Element {
        let json = #"""
            {"resourceType":"Bundle","type":"transaction","entry":[
              {"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","identifier":[{"system":"\#(cccd)","value":"079 1/2"}]}},
              {"resource":{"resourceType":"Encounter","status":"finished","class":{"code":"AMB"},"identifier":[{"value":"no-system"}]},
               "request":{"method":"POST","url":"Encounter"}},
              {"resource":{"resourceType":"Observation","status":"final","code":{"text":"x"},"identifier":[{"system":"urn:lab","value":"L1"}]},
               "request":{"method":"POST","url":"Observation","ifNoneExist":"identifier=urn:lab|kept"}},
              {"resource":{"resourceType":"Organization","id":"o1","identifier":[{"system":"urn:org","value":"79001"}]},
               "request":{"method":"PUT","url":"Organization/o1"}}
            ]}
            """#
        return try Element(json: Array(json.utf8))
    }

    static func client(_ url: URL, method: PlatformCredentials.Method = .secret("bí mật:1"), timeout: Duration = .seconds(60)) -> NationalPlatformClient {
        NationalPlatformClient(
            configuration: .init(
                url: url.appendingPathComponent("fhir"), tokenURL: url.appendingPathComponent("oauth/token"),
                credentials: PlatformCredentials(clientID: "79001", method: method, scope: "system/*.write"), timeout: timeout),
            logger: quiet)
    }

    static func form(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }

    @Test func secretIsNeverDescribed() throws {
        let credentials = PlatformCredentials(clientID: "79001", method: .secret("s3cr3t"))
        let configuration = NationalPlatformClient.Configuration(
            url: URL(string: "http://fhir")!, tokenURL: URL(string: "http://auth/token")!, credentials: credentials)
        #expect(!"\(credentials)".contains("s3cr3t") && !"\(configuration)".contains("s3cr3t"))
        #expect("\(PlatformToken(accessToken: "abc123", expiresAt: Date()))".contains("abc123") == false)
    }

    @Test func reusesOneTokenAndSendsTheSecretAsBasic() async throws {
        let platform = ScriptedPlatform()
        try await platform.withRunning { url in
            let client = Self.client(url)
            let first = await client.send(try Self.patient())
            let second = await client.send(try Self.patient("079000000001"))
            #expect(first.outcome == .delivered, "\(first)")
            #expect(second.outcome == .delivered, "\(second)")
        }
        #expect(platform.tokenRequests.count == 1)
        let tokenRequest = try #require(platform.tokenRequests.first)
        #expect(Self.form(tokenRequest.body)["grant_type"] == "client_credentials")
        #expect(Self.form(tokenRequest.body)["scope"] == "system/*.write")
        let basic = try #require(tokenRequest.headers["authorization"])
        let decoded = String(decoding: try #require(Data(base64Encoded: String(basic.dropFirst("Basic ".count)))), as: UTF8.self)
        #expect(decoded == "79001:b%C3%AD%20m%E1%BA%ADt%3A1")
        #expect(platform.requests.map { $0.headers["authorization"] } == ["Bearer token-1", "Bearer token-1"])
    }

    @Test func takesANewTokenOnceAfter401() async throws {
        let platform = ScriptedPlatform()
        try await platform.withRunning { url in
            let client = Self.client(url)
            let patient = try Self.patient()
            let first = await client.send(patient)
            #expect(first.outcome == .delivered)
            platform.refuseIssuedTokens()  // the platform forgets token-1
            let result = await client.send(patient)
            #expect(result.outcome == .delivered, "\(result)")
            let third = await client.send(patient)
            #expect(third.outcome == .delivered)
        }
        #expect(platform.tokenRequests.count == 2)
        #expect(platform.requests.map { $0.headers["authorization"] } == ["Bearer token-1", "Bearer token-1", "Bearer token-2", "Bearer token-2"])
    }

    @Test func refusedTwiceIsRetriedLater() async throws {
        let platform = ScriptedPlatform()
        platform.refuseAllTokens()
        let result = try await platform.withRunning { url in await Self.client(url).send(try Self.patient()) }
        #expect(result.outcome == .retryLater(retryAfter: nil))
        #expect(result.httpStatus == 401)
        #expect(platform.tokenRequests.count == 2 && platform.requests.count == 2)
    }

    @Test func singleResourceIsAConditionalCreate() async throws {
        let platform = ScriptedPlatform()
        platform.script(.init(status: 201, body: #"{"resourceType":"Patient","id":"p1"}"#, headers: ["Location": "http://x/fhir/Patient/p1/_history/1"]))
        let result = try await platform.withRunning { url in await Self.client(url).send(try Self.patient()) }
        #expect(result.outcome == .delivered)
        #expect(result.location == "http://x/fhir/Patient/p1/_history/1")
        #expect(result.body.contains(#""id":"p1""#))
        let request = try #require(platform.requests.first)
        #expect(request.path == "/fhir/Patient")
        #expect(request.headers["if-none-exist"] == "identifier=https://fhir.hl7.org.vn/core/sid/cccd|079123456789")
        #expect(request.headers["content-type"] == "application/fhir+json")
    }

    @Test func aFacilityScopedIdentifierIsNoCondition() throws {
        let patient = try Element(json: Array(#"""
            {"resourceType":"Patient","identifier":[
              {"use":"secondary","system":"http://fhir.ehealth.gov.vn/core/sid/patient-internal-id","value":"BN0001"},
              {"use":"official","system":"http://fhir.ehealth.gov.vn/core/sid/national_id","value":"079123456789"}]}
            """#.utf8))
        #expect(ConditionalCreate.ifNoneExist(for: patient) == "identifier=http://fhir.ehealth.gov.vn/core/sid/national_id|079123456789")
        let numberOnly = try Element(json: Array(#"""
            {"resourceType":"Patient","identifier":[{"use":"secondary","system":"http://fhir.ehealth.gov.vn/core/sid/patient-internal-id","value":"BN0001"}]}
            """#.utf8))
        #expect(ConditionalCreate.ifNoneExist(for: numberOnly) == nil, "another hospital's BN0001 is another patient")
    }

    @Test func transactionEntriesGetIfNoneExist() async throws {
        let platform = ScriptedPlatform()
        let bundle = try Self.transaction()
        let result = try await platform.withRunning { url in await Self.client(url).send(bundle) }
        #expect(result.outcome == .delivered)
        let request = try #require(platform.requests.first)
        #expect(request.path == "/fhir")
        #expect(request.headers["if-none-exist"] == nil)
        let sent = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])
        let requests = try #require(sent["entry"] as? [[String: Any]]).map { $0["request"] as? [String: String] }
        #expect(requests[0] == ["method": "POST", "url": "Patient", "ifNoneExist": "identifier=https://fhir.hl7.org.vn/core/sid/cccd|079%201/2"])
        #expect(requests[1] == ["method": "POST", "url": "Encounter"])  // no system: no condition
        #expect(requests[2] == ["method": "POST", "url": "Observation", "ifNoneExist": "identifier=urn:lab|kept"])
        #expect(requests[3] == ["method": "PUT", "url": "Organization/o1"])
    }

    /// Each kind of answer, classified without a network.
    @Test(arguments: [
        (201, "", nil, "delivered"),
        (200, #"{"resourceType":"Bundle","type":"transaction-response"}"#, nil, "delivered"),
        (400, #"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid","diagnostics":"bad JSON"}]}"#, nil, "rejected"),
        (422, #"{"resourceType":"OperationOutcome","issue":[{"severity":"warning","code":"x","diagnostics":"minor"},{"severity":"error","code":"required","expression":["Patient.identifier"],"diagnostics":"missing CCCD"}]}"#, nil, "rejected"),
        (404, "not found", nil, "rejected"),
        (429, "", "7", "retry"),
        (503, "busy", nil, "retry"),
        (500, "", "soon", "retry"),
        (401, "", nil, "retry"),
    ] as [(Int, String, String?, String)])
    func classifiesAnswers(status: Int, body: String, retryAfter: String?, expected: String) {
        let result = PlatformResult(httpStatus: status, retryAfter: retryAfter, body: Array(body.utf8))
        switch result.outcome {
        case .delivered: #expect(expected == "delivered")
        case .retryLater(let delay):
            #expect(expected == "retry")
            #expect(delay == (retryAfter == "7" ? .seconds(7) : nil))
        case .rejected: #expect(expected == "rejected")
        }
        #expect((result.reason == nil) == (expected == "delivered"))
        #expect(result.body == body)
        if status == 422 {
            #expect(result.reason == "HTTP 422: error required at Patient.identifier: missing CCCD")
        }
        if status == 400 { #expect(result.reason == "HTTP 400: error invalid: bad JSON") }
    }

    @Test func retryAfterAsHTTPDate() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let later = "Tue, 14 Nov 2023 22:13:50 GMT"  // 30 s after `now`
        let result = PlatformResult(httpStatus: 503, retryAfter: later, body: [], now: now)
        #expect(result.outcome == .retryLater(retryAfter: .seconds(30)))
    }

    @Test func answersThroughTheNetworkAreClassified() async throws {
        let platform = ScriptedPlatform()
        let outcome = #"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"processing","diagnostics":"unknown ethnicity code"}]}"#
        platform.script(.init(status: 422, body: outcome), .init(status: 429, body: "", headers: ["Retry-After": "12"]))
        let (rejected, throttled) = try await platform.withRunning { url in
            let client = Self.client(url)
            return (await client.send(try Self.patient()), await client.send(try Self.patient()))
        }
        #expect(rejected.outcome == .rejected)
        #expect(rejected.reason == "HTTP 422: error processing: unknown ethnicity code")
        #expect(throttled.outcome == .retryLater(retryAfter: .seconds(12)))
    }

    @Test func noConnectionIsRetriedLater() async throws {
        // A port that was free a moment ago: nothing listens there.
        let platform = ScriptedPlatform()
        let url = try await platform.withRunning { url in url }
        // Refused, or not connected within the timeout: either is "later".
        let result = await Self.client(url, timeout: .seconds(3)).send(try Self.patient())
        guard case .retryLater = result.outcome else {
            Issue.record("expected retry later, got \(result)")
            return
        }
        #expect(result.reason != nil)
    }

    @Test(arguments: ["ES256", "RS256"])
    func signsAJWTAssertionWithTheFacilityKey(algorithm: String) async throws {
        let pem: String
        let verify: (Data, Data) throws -> Bool
        if algorithm == "ES256" {
            let key = P256.Signing.PrivateKey()
            pem = key.pemRepresentation
            verify = { signature, input in key.publicKey.isValidSignature(try P256.Signing.ECDSASignature(rawRepresentation: signature), for: input) }
        } else {
            let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            pem = key.pemRepresentation
            verify = { signature, input in
                key.publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: input, padding: .insecurePKCS1v1_5)
            }
        }
        let key = try ClientAssertionKey(pem: pem, keyID: "k1")
        #expect(key.algorithm == algorithm)
        #expect(!"\(key)".contains("PRIVATE"))
        let platform = ScriptedPlatform()
        let patient = try Self.patient()
        let (tokenURL, result) = try await platform.withRunning { url in
            (url.appendingPathComponent("oauth/token").absoluteString, await Self.client(url, method: .privateKey(key)).send(patient))
        }
        #expect(result.outcome == .delivered)
        let tokenRequest = try #require(platform.tokenRequests.first)
        #expect(tokenRequest.headers["authorization"] == nil)
        let form = Self.form(tokenRequest.body)
        #expect(form["client_id"] == "79001")
        #expect(form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        let parts = try #require(form["client_assertion"]).split(separator: ".").map(String.init)
        try #require(parts.count == 3)
        func decode(_ part: String) throws -> Data {
            var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while text.count % 4 != 0 { text += "=" }
            return try #require(Data(base64Encoded: text))
        }
        let header = try #require(try JSONSerialization.jsonObject(with: decode(parts[0])) as? [String: String])
        #expect(header == ["alg": algorithm, "typ": "JWT", "kid": "k1"])
        let claims = try #require(try JSONSerialization.jsonObject(with: decode(parts[1])) as? [String: Any])
        #expect(claims["iss"] as? String == "79001" && claims["sub"] as? String == "79001")
        #expect(claims["aud"] as? String == tokenURL)
        #expect((claims["exp"] as? Int ?? 0) > (claims["iat"] as? Int ?? .max))
        #expect(try verify(decode(parts[2]), Data((parts[0] + "." + parts[1]).utf8)))
        #expect(try !verify(decode(parts[2]), Data((parts[0] + "." + parts[1] + "x").utf8)))
    }

    @Test func rejectsTextThatIsNoKey() {
        #expect(throws: PlatformError.self) { try ClientAssertionKey(pem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----") }
    }
}
