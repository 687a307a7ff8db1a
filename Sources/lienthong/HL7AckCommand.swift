import ArgumentParser
import Foundation
import HL7v2

/// `lienthong hl7 ack FILE [--code …] [--mode …] [--cr]`
struct HL7AckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack",
        abstract: "Print the acknowledgement (ACK) of each message in a file.",
        discussion: """
            Reads every message of the file ('-' reads standard input) and prints its ACK. \
            Problems found while parsing are reported as ERR segments and make the code AE; \
            input that cannot be parsed at all is answered with AR (CR in enhanced mode). \
            Without --code, enhanced mode (MSH-15/MSH-16 valued, or --mode enhanced) prints the \
            commit ACK and then, after a CA, the application ACK, each only if MSH-15 and \
            MSH-16 ask for it (AL, NE, ER, SU; empty means AL); with --code, one ACK with that \
            code. Segments end with a line break unless --cr is given.
            """
    )

    @Argument(help: "The file to acknowledge ('-' for standard input).")
    var file: String

    @Option(help: "The acknowledgment code: AA, AE, AR, CA, CE or CR (default: chosen from the problems found).")
    var code: String?

    @Option(help: "The acknowledgment mode: original or enhanced (default: as MSH-15/MSH-16 ask).")
    var mode: String?

    @Flag(help: "End segments with CR, as on the wire, instead of a line break.")
    var cr = false

    func validate() throws {
        if let code, !["AA", "AE", "AR", "CA", "CE", "CR"].contains(code.uppercased()) {
            throw ValidationError("--code must be one of AA, AE, AR, CA, CE, CR")
        }
        if let mode, !["original", "enhanced"].contains(mode.lowercased()) {
            throw ValidationError("--mode must be original or enhanced")
        }
    }

    func run() throws {
        let input = try InputFile.read(file)
        let forcedCode = code.map { Acknowledgment.Code(rawValue: $0.uppercased()) }
        let forcedMode = mode.map { Acknowledgment.Mode(rawValue: $0.lowercased()) }
        let interchange = Interchange(parsing: input.bytes)

        /// Messages and unparsable inputs, in input order.
        enum Item {
            case message(Message)
            case failure(ParseError)
        }
        var items: [(offset: Int, item: Item)] = interchange.messages.map { ($0.inputOffset, .message($0)) }
        for error in interchange.errors {
            if error.code == .emptyInput {
                printError("\(input.name): \(error)")
                throw ExitCode(1)
            }
            if let segment = error.location.segment, segment != "MSH" {
                // FHS/BHS/BTS/FTS problems concern the batch, not a message.
                printError("\(input.name): \(error) (not acknowledged: not a message)")
                continue
            }
            items.append((error.location.byteOffset ?? 0, .failure(error)))
        }
        items.sort { $0.offset < $1.offset }

        let terminator: SegmentTerminator = cr ? .cr : .lf
        var output: [UInt8] = []
        var count = 0
        for (index, entry) in items.enumerated() {
            switch entry.item {
            case .message(let message):
                let acks = acknowledgments(of: message, code: forcedCode, mode: forcedMode)
                if acks.isEmpty {
                    printError("\(input.name): message \(index + 1): no acknowledgment requested (MSH-15/MSH-16)")
                }
                for ack in acks { output += ack.encoded(terminator: terminator) }
                count += acks.count
            case .failure(let error):
                printError("\(input.name): \(error)")
                let bytes = Self.failedMessage(at: entry.offset, in: input.bytes)
                let ack = Message.acknowledgment(forUnparsable: bytes, error: error, code: forcedCode, mode: forcedMode)
                output += ack.encoded(terminator: terminator)
                count += 1
            }
        }
        FileHandle.standardOutput.write(Data(output))
        if count == 0 && items.isEmpty {
            printError("\(input.name): no message to acknowledge")
            throw ExitCode(1)
        }
    }

    /// The acknowledgments of one message: the forced code, the original-mode ACK, or in
    /// enhanced mode the commit and application ACKs that MSH-15 and MSH-16 ask for.
    private func acknowledgments(of message: Message, code: Acknowledgment.Code?, mode: Acknowledgment.Mode?) -> [Message] {
        if let code {
            return [message.acknowledgment(code: code)]
        }
        let mode = mode ?? message.acknowledgmentMode
        guard mode == .enhanced else {
            return [message.acknowledgment(mode: .original)]
        }
        let commit = Acknowledgment.Code(for: message.issues, mode: .enhanced)
        let application = Acknowledgment.Code(for: message.issues, mode: .original)
        var acks: [Message] = []
        if message.wantsAcknowledgment(commit) { acks.append(message.acknowledgment(code: commit)) }
        // The application ACK follows only a committed message.
        if commit.isAccept, message.wantsAcknowledgment(application) {
            acks.append(message.acknowledgment(code: application))
        }
        return acks
    }

    /// The bytes of the message that failed at `offset`: from the start of that line up to the
    /// next line that starts a message, batch or file.
    static func failedMessage(at offset: Int, in bytes: [UInt8]) -> ArraySlice<UInt8> {
        var start = min(offset, bytes.count)
        while start > 0, bytes[start - 1] != 0x0D, bytes[start - 1] != 0x0A { start -= 1 }
        var end = start
        while end < bytes.count {
            while end < bytes.count, bytes[end] != 0x0D, bytes[end] != 0x0A { end += 1 }
            while end < bytes.count, bytes[end] == 0x0D || bytes[end] == 0x0A { end += 1 }
            if end + 3 <= bytes.count, ["MSH", "BHS", "FHS", "BTS", "FTS"].contains(where: { bytes[end..<end + 3].elementsEqual($0.utf8) }) {
                break
            }
        }
        return bytes[start..<end]
    }
}
