import ArgumentParser
import Foundation
import InsuranceVN
import XMLSignature

/// `lienthong claims verify ENVELOPE.xml… [--ca CA.pem]`
struct ClaimsVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify the XML signature in claim envelopes' CHUKYDONVI.",
        discussion: """
            For each envelope, checks the digest of the signed content and the signature value with \
            the certificate in KeyInfo, and prints the certificate's subject. A failure names the \
            file and the step that failed (noSignature, digestMismatch, badSignature, \
            unsupportedAlgorithm, certificateUnreadable, …). With --ca, the certificate must also \
            chain to one of the given certificates (RFC 5280, valid now). Exit status 0 when every \
            signature is valid, 1 otherwise.
            """
    )

    @Option(help: ArgumentHelp("Trusted certificates, PEM (a CA bundle, or the facility's own certificate).", valueName: "CA.pem"))
    var ca: String?

    @Argument(help: ArgumentHelp("Signed envelopes; - for standard input.", valueName: "ENVELOPE.xml"))
    var envelopes: [String]

    func run() async throws {
        let roots = try ca.map { String(decoding: try InputFile.read($0).bytes, as: UTF8.self) }
        var failed = false
        for file in envelopes {
            let input = try InputFile.read(file)
            do {
                let verified = try XMLSignatureVerifier().verify(Data(input.bytes), inElement: ClaimEnvelope.signatureElement)
                if let roots { try await verified.checkTrust(rootsPEM: roots) }
                print("\(input.name): valid signature (\(verified.signatureAlgorithm.uri)), signed by \(verified.subject)"
                    + (roots == nil ? "" : ", trusted"))
            } catch {
                printError("\(input.name): invalid signature: \(error)")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}
