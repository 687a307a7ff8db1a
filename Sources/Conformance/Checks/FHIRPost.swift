import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// `kind: fhir` — post a FHIR resource or Bundle and check the HTTP status and the
/// OperationOutcome's issues, and, on the local target, what reached the runner's receivers.
///
/// ```yaml
/// - id: patient-without-gender-code
///   kind: fhir
///   resource: resources/bad-gender.json
///   path: Patient            # POST [base]/Patient; without it, POST [base] (a Bundle)
///   expect:
///     status: 422
///     issues:
///       - {severity: error, code: code-invalid, expression: Patient.gender}
///     only-listed: true      # (default) an error issue not listed fails the case
///     deliveries:            # local only; `containing` is required (a resource has no MSH-10)
///       - {receiver: api, count: 1, containing: "BN0001"}
/// ```
struct FHIRPost: CaseCheck {
    static let kind = "fhir"

    var resource: URL
    var path: String
    var channel: String?
    var contentType: String
    var status: Int?
    var issues: [IssueExpectation]
    var onlyListed: Bool
    var deliveries: [DeliveryExpectation]

    init(_ node: ManifestNode, resolver: FileResolver, receivers: Set<String>) throws(ConformanceError) {
        try node.allowKeys(ConformanceSuite.commonKeys.union(["resource", "path", "channel", "content-type", "expect"]))
        resource = try resolver.existing(try node.required("resource"))
        path = try node.optional("path")?.text() ?? ""
        channel = try node.optional("channel")?.text()
        contentType = try node.optional("content-type")?.text()
            ?? (resource.pathExtension == "xml" ? "application/fhir+xml" : "application/fhir+json")
        let expect = try node.required("expect")
        try expect.allowKeys(["status", "issues", "only-listed", "deliveries"])
        status = try expect.optional("status")?.int()
        issues = try IssueExpectation.parseList(try expect.optional("issues"))
        onlyListed = try expect.optional("only-listed")?.bool() ?? true
        deliveries = try DeliveryExpectation.parseList(try expect.optional("deliveries"), receivers: receivers, needsMarker: true)
    }

    func skipReason(for target: ConformanceTarget) -> String? {
        if target.isLocal { return nil }
        if !deliveries.isEmpty { return "needs local access: checks deliveries to the runner's receivers" }
        if channel != nil { return "needs local access: names a channel of the local bus" }
        if target.fhirBase == nil { return "the target has no FHIR base URL (--target http://host:port/base)" }
        return nil
    }

    func run(in context: CaseContext) async throws -> CheckOutcome {
        var url = try context.fhirBase(channel: channel)
        if !path.isEmpty { url.appendPathComponent(path) }
        let body = try FileResolver.read(resource)
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: contentType)
        request.headers.add(name: "Accept", value: "application/fhir+json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let input = "POST \(url.absoluteString)\nContent-Type: \(contentType)\n\n" + String(decoding: body.prefix(16384), as: UTF8.self)
        var expectedLines: [String] = []
        if let status { expectedLines.append("HTTP status \(status)") }
        expectedLines += issues.map { "issue: \($0)" }
        if onlyListed { expectedLines.append("no other error issues") }
        expectedLines += deliveries.map(\.line)
        let expected = expectedLines.joined(separator: "\n")

        let deadline = ContinuousClock.now + context.timeout
        let response: HTTPClientResponse
        let responseBody: ByteBuffer
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .milliseconds(Int64(HL7v2Exchange.milliseconds(context.timeout))))
            responseBody = try await response.body.collect(upTo: 16 << 20)
        } catch {
            return CheckOutcome(input: input, expected: expected, actual: "no answer: \(error)", failures: ["no HTTP answer: \(error)"])
        }
        let text = String(buffer: responseBody)
        let seen = Self.issues(in: Array(responseBody.readableBytesView))
        var failures: [String] = []
        if let status, Int(response.status.code) != status {
            failures.append("HTTP status: expected \(status), got \(response.status.code)")
        }
        failures += IssueExpectation.compare(expected: issues, seen: seen, onlyListed: onlyListed)
        var actual = "HTTP status \(response.status.code)\n" + seen.map { "issue: \($0)" }.joined(separator: "\n")
        if let bus = context.bus, !deliveries.isEmpty {
            let (lines, missed) = await DeliveryExpectation.check(deliveries, markers: [], received: bus.received, deadline: deadline)
            actual += "\n" + lines.joined(separator: "\n")
            failures += missed
        }
        actual += "\n\n" + text
        return CheckOutcome(input: input, expected: expected, actual: actual, failures: failures)
    }

    /// The issues of an OperationOutcome (JSON); none when the body is something else.
    static func issues(in body: [UInt8]) -> [IssueExpectation.Seen] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any],
            object["resourceType"] as? String == "OperationOutcome"
        else { return [] }
        return (object["issue"] as? [[String: Any]] ?? []).map { issue in
            let expression = (issue["expression"] as? [String])?.first ?? (issue["location"] as? [String])?.first ?? ""
            return IssueExpectation.Seen(
                severity: issue["severity"] as? String ?? "", code: issue["code"] as? String ?? "", expression: expression,
                message: issue["diagnostics"] as? String ?? ((issue["details"] as? [String: Any])?["text"] as? String ?? ""))
        }
    }
}
