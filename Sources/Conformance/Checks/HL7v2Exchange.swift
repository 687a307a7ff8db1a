import Foundation
import HL7v2

/// `kind: hl7v2` — send HL7 v2 messages over MLLP and check the ACKs (code, ERR codes, time),
/// and, on the local target, that each message reached (or did not reach) the runner's receivers.
///
/// ```yaml
/// - id: adt-a01-accepted
///   kind: hl7v2
///   messages: [messages/adt-a01.hl7]
///   send: {repeat: 2, pipelined: true, chunk: 7, pad-to: 70000}
///   expect:
///     ack: AA                 # or acks: [AA, AE] (one per message sent)
///     errors: [101]           # ERR-3.1 codes the ACKs must hold (all ACKs with `ack`)
///     within: 500ms           # every ACK within this time
///     deliveries:
///       - {receiver: lis, count: 1}
///       - {receiver: failing, at-least: 2}
/// ```
struct HL7v2Exchange: CaseCheck {
    static let kind = "hl7v2"

    var files: [URL]
    var channel: String?
    var repeatCount: Int
    var writing: MLLPWire.Writing
    /// Per message file: the size to pad it to (`nil`: as it is).
    var padTo: [Int?]
    var acks: [String]?
    var ack: String?
    var errors: [String]
    var within: Duration?
    var deliveries: [DeliveryExpectation]

    init(_ node: ManifestNode, resolver: FileResolver, receivers: Set<String>) throws(ConformanceError) {
        try node.allowKeys(ConformanceSuite.commonKeys.union(["messages", "channel", "send", "expect"]))
        files = []
        for item in try node.required("messages").list() { files.append(try resolver.existing(item)) }
        channel = try node.optional("channel")?.text()
        let send = try node.optional("send")
        try send?.allowKeys(["repeat", "pipelined", "chunk", "pad-to"])
        repeatCount = try send?.optional("repeat")?.int() ?? 1
        writing = MLLPWire.Writing(chunk: try send?.optional("chunk")?.int() ?? 0, pipelined: try send?.optional("pipelined")?.bool() ?? false)
        if let node = try send?.optional("pad-to") {
            if node.value is [Any] {
                var sizes: [Int] = []
                for item in node.list() { sizes.append(try item.int()) }
                guard sizes.count == files.count else { throw node.error("pad-to lists \(sizes.count) sizes for \(files.count) messages") }
                padTo = sizes.map { $0 > 0 ? $0 : nil }
            } else {
                padTo = Array(repeating: try node.int(), count: files.count)
            }
        } else {
            padTo = Array(repeating: nil, count: files.count)
        }
        let expect = try node.required("expect")
        try expect.allowKeys(["ack", "acks", "errors", "within", "deliveries"])
        ack = try expect.optional("ack")?.text()
        acks = try expect.optional("acks")?.texts()
        errors = try expect.optional("errors")?.texts() ?? []
        within = try expect.optional("within")?.duration()
        deliveries = try DeliveryExpectation.parseList(try expect.optional("deliveries"), receivers: receivers)
        if let acks, acks.count != files.count * repeatCount {
            throw expect.error("acks lists \(acks.count) codes for \(files.count * repeatCount) messages sent")
        }
    }

    func skipReason(for target: ConformanceTarget) -> String? {
        if target.isLocal { return nil }
        if !deliveries.isEmpty { return "needs local access: checks deliveries to the runner's receivers" }
        if channel != nil { return "needs local access: names a channel of the local bus" }
        if target.mllp == nil { return "the target has no MLLP address (--target mllp://host:port)" }
        return nil
    }

    /// A message file's bytes with line breaks as segment terminators (CR), padded when asked.
    ///
    /// Bytes, not text: a file that is not valid in its character set is sent as it is (a case
    /// can test that the receiver notices).
    static func payload(_ bytes: [UInt8], padTo: Int?) -> [UInt8] {
        var payload: [UInt8] = []
        payload.reserveCapacity(bytes.count + 1)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 0x0D, index + 1 < bytes.endIndex, bytes[index + 1] == 0x0A {
                index += 1  // CRLF → CR
            }
            payload.append(byte == 0x0A ? 0x0D : byte)
            index += 1
        }
        while payload.count >= 2, payload[payload.count - 1] == 0x0D, payload[payload.count - 2] == 0x0D { payload.removeLast() }
        if payload.last != 0x0D { payload.append(0x0D) }
        if let padTo, payload.count < padTo {
            // A note segment long enough to bring the message to the size asked for.
            let prefix = Array("NTE|1||".utf8)
            let filler = max(0, padTo - payload.count - prefix.count - 1)
            payload += prefix + [UInt8](repeating: UInt8(ascii: "x"), count: filler) + [0x0D]
        }
        return payload
    }

    func run(in context: CaseContext) async throws -> CheckOutcome {
        let address = try context.mllpAddress(channel: channel)
        var payloads: [[UInt8]] = []
        for (file, size) in zip(files, padTo) { payloads.append(Self.payload(try FileResolver.read(file), padTo: size)) }
        let controlIDs = payloads.map { (try? Message($0))?.controlID ?? "" }
        let sent = Array(repeating: payloads, count: max(1, repeatCount)).flatMap { $0 }
        let deadline = ContinuousClock.now + context.timeout
        let (answers, problem) = await MLLPWire.exchange(sent, host: address.host, port: address.port, writing: writing, deadline: deadline)

        var input = "to \(address)\(channel.map { " (channel \($0))" } ?? ""), \(sent.count) message\(sent.count == 1 ? "" : "s")"
        if repeatCount > 1 { input += " (the files \(repeatCount) times)" }
        if writing.pipelined { input += ", pipelined" }
        if writing.chunk > 0 { input += ", written in pieces of \(writing.chunk) bytes" }
        if padTo.contains(where: { $0 != nil }) { input += ", padded to " + padTo.map { $0.map { "\($0) bytes" } ?? "as is" }.joined(separator: ", ") }
        input += "\n\n" + sent.prefix(files.count).map { Self.shown($0) }.joined(separator: "\n\n")

        var expectedLines: [String] = []
        let wantedCodes = acks ?? ack.map { Array(repeating: $0, count: sent.count) }
        if let acks { expectedLines.append("ACK codes: \(acks.joined(separator: ", "))") }
        if let ack { expectedLines.append("ACK code: \(ack) for every message") }
        if !errors.isEmpty { expectedLines.append("ERR-3 codes: \(errors.joined(separator: ", "))") }
        if let within { expectedLines.append("each ACK within \(Self.milliseconds(within)) ms") }
        expectedLines += deliveries.map(\.line)

        var failures: [String] = []
        var actualLines: [String] = []
        if let problem { failures.append("after \(answers.count) of \(sent.count) ACKs: \(problem)") }
        for (index, answer) in answers.enumerated() {
            let parsed = try? Message(answer.payload)
            let code = parsed?.value(at: "MSA-1") ?? ""
            let errorCodes = (parsed?.segments("ERR") ?? []).indices.compactMap { occurrence in
                parsed?.value(at: Path(segment: "ERR", occurrence: occurrence + 1, field: 3, component: 1))
            }.filter { !$0.isEmpty }
            actualLines.append(
                "ACK \(index + 1): \(code.isEmpty ? "(no MSA-1)" : code)"
                    + (errorCodes.isEmpty ? "" : ", ERR-3 \(errorCodes.joined(separator: ", "))")
                    + " in \(Self.milliseconds(answer.latency)) ms")
            if let wantedCodes, index < wantedCodes.count, wantedCodes[index] != code {
                failures.append("ACK \(index + 1): expected \(wantedCodes[index]), got \(code.isEmpty ? "no MSA-1" : code)")
            }
            let missing = errors.filter { !errorCodes.contains($0) }
            // With codes per message, ERR codes are expected in the ACKs that do not accept.
            let wantsErrors = wantedCodes.map { index < $0.count && !["AA", "CA"].contains($0[index]) } ?? true
            if !missing.isEmpty, wantsErrors {
                failures.append("ACK \(index + 1): no ERR segment with the code\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", "))")
            }
            if let within, answer.latency > within {
                failures.append("ACK \(index + 1) took \(Self.milliseconds(answer.latency)) ms, over \(Self.milliseconds(within)) ms")
            }
        }
        for answer in answers { actualLines.append("\n" + Self.shown(answer.payload)) }

        if let bus = context.bus, !deliveries.isEmpty {
            let (lines, missed) = await DeliveryExpectation.check(deliveries, markers: controlIDs, received: bus.received, deadline: deadline)
            actualLines += lines
            failures += missed
        }
        return CheckOutcome(
            input: input, expected: expectedLines.joined(separator: "\n"), actual: actualLines.joined(separator: "\n"), failures: failures)
    }

    /// A payload for reports: segments on lines, long ones cut.
    static func shown(_ payload: [UInt8]) -> String {
        let text = String(decoding: payload.prefix(4096), as: UTF8.self).replacingOccurrences(of: "\r", with: "\n")
        return payload.count > 4096 ? text + "\n… (\(payload.count) bytes)" : text
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
    }
}
