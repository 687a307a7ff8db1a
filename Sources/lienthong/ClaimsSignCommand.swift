import ArgumentParser
import Foundation
import InsuranceVN
import XMLSignature

/// `lienthong claims sign ENVELOPE.xml (--key KEY.pem --cert CERT.pem | --pkcs12 FILE [--password-env VAR]) [--out FILE]`
struct ClaimsSignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Sign a claim envelope: the facility's XML signature in CHUKYDONVI.",
        discussion: """
            Writes an enveloped W3C XML signature (exclusive C14N, RSA-SHA256, the X.509 certificate \
            in KeyInfo) into the envelope's CHUKYDONVI, replacing a signature already there, and \
            writes the signed envelope to --out or standard output. The key is an RSA key of 2048 \
            bits or more, with its certificate: PEM files (--key, --cert; an unencrypted key) or a \
            PKCS#12 file (--pkcs12) whose password is read from the environment variable named by \
            --password-env. Key material and passwords are never printed. Exit status 1 when the \
            envelope cannot be read or signed.
            """
    )

    @Option(help: ArgumentHelp("The private key, PEM (PRIVATE KEY or RSA PRIVATE KEY).", valueName: "KEY.pem"))
    var key: String?

    @Option(help: ArgumentHelp("The key's certificate, PEM (the first CERTIFICATE block).", valueName: "CERT.pem"))
    var cert: String?

    @Option(help: ArgumentHelp("The key and its certificate as PKCS#12 (.p12, .pfx), instead of --key and --cert.", valueName: "FILE"))
    var pkcs12: String?

    @Option(help: ArgumentHelp("The environment variable holding the PKCS#12 password.", valueName: "VAR"))
    var passwordEnv: String?

    @Option(help: ArgumentHelp("Where to write the signed envelope (default: standard output).", valueName: "FILE"))
    var out: String?

    @Argument(help: ArgumentHelp("The envelope (GIAMDINHHS) to sign; - for standard input.", valueName: "ENVELOPE.xml"))
    var envelope: String

    func validate() throws {
        switch (key, cert, pkcs12) {
        case (.some, .some, nil), (nil, nil, .some): break
        case (_, _, .some): throw ValidationError("give either --pkcs12 or --key and --cert, not both")
        default: throw ValidationError("give --key and --cert (PEM), or --pkcs12")
        }
        if passwordEnv != nil && pkcs12 == nil {
            throw ValidationError("--password-env is the PKCS#12 password; PEM keys must be unencrypted")
        }
    }

    func run() async throws {
        let identity = try loadIdentity()
        let input = try InputFile.read(envelope)
        let signed: Data
        do {
            // Only a claim envelope is signed: reading it first says what is wrong with it.
            _ = try ClaimEnvelope(xml: Data(input.bytes))
            signed = try XMLSigner(identity: identity).sign(Data(input.bytes), inElement: ClaimEnvelope.signatureElement)
        } catch {
            throw CLIError("\(input.name): not signed: \(error)")
        }
        if let out {
            do {
                try signed.write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                throw CLIError("\(out): cannot write the signed envelope")
            }
            printError("\(input.name): signed by \(identity.subject) -> \(out)")
        } else {
            FileHandle.standardOutput.write(signed)
        }
    }

    private func loadIdentity() throws -> SigningIdentity {
        do {
            if let pkcs12 {
                var password: String?
                if let variable = passwordEnv {
                    guard let value = ProcessInfo.processInfo.environment[variable] else {
                        throw CLIError("the environment variable \(variable) (--password-env) is not set")
                    }
                    password = value
                }
                return try SigningIdentity(pkcs12: try InputFile.read(pkcs12).bytes, password: password)
            }
            guard let key, let cert else { throw CLIError("give --key and --cert, or --pkcs12") }
            return try SigningIdentity(
                privateKeyPEM: String(decoding: try InputFile.read(key).bytes, as: UTF8.self),
                certificatePEM: String(decoding: try InputFile.read(cert).bytes, as: UTF8.self))
        } catch let error as XMLSignatureError {
            let file = pkcs12 ?? (error.code == .certificateUnreadable ? cert : key) ?? ""
            throw CLIError("\(file): \(error)")
        }
    }
}
