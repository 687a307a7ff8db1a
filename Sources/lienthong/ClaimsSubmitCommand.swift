import ArgumentParser
import Bus
import Foundation
import InsuranceGateway

/// `lienthong claims submit FILE… --gateway URL`
struct ClaimsSubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit claim envelopes (GIAMDINHHS) or check-ins (XML0 documents) to the insurance gateway.",
        discussion: """
            Sends each file as it is (guiHoSoXmlQD4750 or …QD3176 for an envelope, checkInKcbQd… for \
            an XML0 document) and prints one line per file: accepted with the gateway's transaction \
            number (maGiaoDich), retry later, or rejected with the gateway's reason. The password is \
            read from the environment (--password-env, default LIENTHONG_GATEWAY_PASSWORD). Exit \
            status 1 when a file was not accepted.
            """
    )

    @OptionGroup var options: GatewayOptions

    @Option(help: "maCSKCB to send (default: the file's own facility code).")
    var facility: String?

    @Argument(help: "Envelope files (or XML0 check-in documents).")
    var files: [String]

    func run() async throws {
        let client = try options.client()
        var failed = false
        for file in files {
            let input = try InputFile.read(file)
            let bytes = Data(input.bytes)
            let result: SubmissionResult
            switch InsuranceGatewayDestination.kind(of: bytes) {
            case .envelope(let own):
                result = await client.submit(bytes, facilityCode: facility ?? own)
            case .checkIn(let own):
                result = await client.checkIn(bytes, facilityCode: facility ?? own ?? "")
            case .unreadable(let reason):
                printError("\(input.name): not a claim envelope or an XML0 document: \(reason)")
                failed = true
                continue
            }
            print("\(input.name): \(Self.line(result))")
            if result.outcome != .accepted { failed = true }
        }
        if failed { throw ExitCode(1) }
    }

    static func line(_ result: SubmissionResult) -> String {
        switch result.outcome {
        case .accepted:
            var parts = ["accepted", "maKetQua \(result.resultCode?.rawValue ?? "-")", "maGiaoDich \(result.transactionID ?? "-")"]
            if let received = result.receivedAt { parts.append("received \(received)") }
            return parts.joined(separator: "  ")
        case .retryLater:
            return "retry later: \(result.reason ?? "-")"
        case .rejected:
            return "rejected: \(result.reason ?? "-")"
        }
    }
}
