// libFuzzer target for the HL7 v2 parser. Built by `scripts/fuzz` into the same module as
// `Sources/HL7v2/*.swift` (so internal API is visible without `@testable`), with
// `swiftc -sanitize=fuzzer,address -parse-as-library`.
//
// For every input it parses with `Interchange(parsing:)` and `Message(_:)`, reads every segment,
// field, repetition, component and subcomponent, encodes, re-parses the encoded form and checks
// that it encodes (and reads) identically, builds the JSON view, reads a few paths, and checks that
// escaping any value and unescaping it gives the value back. A failed check traps, which libFuzzer
// reports as a crash and saves as an artifact.

import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func hl7ParseFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let interchange = Interchange(parsing: bytes)
    for error in interchange.errors {
        _ = error.description
        _ = error.location.path
        FuzzChecks.require(error.location.byteOffset.map { (0...bytes.count).contains($0) } ?? true, "an error's byte offset is outside the input")
        FuzzChecks.require(error.location.line.map { $0 >= 1 } ?? true, "an error's line is below 1")
    }
    var previousOffset = -1
    for message in interchange.messages {
        FuzzChecks.require(message.inputOffset > previousOffset, "messages are not in input order")
        previousOffset = message.inputOffset
        for issue in message.issues {
            FuzzChecks.require(issue.location.byteOffset.map { (0..<bytes.count).contains($0) } ?? true, "an issue's byte offset is outside the input")
        }
        FuzzChecks.exercise(message, input: bytes)
    }
    if let header = interchange.fileHeader { FuzzChecks.touch(header) }
    if let trailer = interchange.fileTrailer { FuzzChecks.touch(trailer) }
    for batch in interchange.batches {
        if let header = batch.header { FuzzChecks.touch(header) }
        if let trailer = batch.trailer { FuzzChecks.touch(trailer) }
    }
    // The single-message entry point must agree with the interchange on what one message is.
    if let message = try? Message(bytes) {
        FuzzChecks.require(interchange.errors.isEmpty && interchange.messages.count == 1, "Message(_:) accepted an input the interchange did not read as exactly one message")
        FuzzChecks.require(message.encoded() == interchange.messages[0].encoded(), "Message(_:) and Interchange read the same message differently")
    }
    // Editing: a value set at a path reads back the same (paths and values picked by the input).
    if let message = interchange.messages.first, bytes.count >= 6 {
        FuzzChecks.edit(message, choosing: Array(bytes.suffix(6)))
    }
    // Paths from the input itself: whatever parses as a path must be safe to look up.
    if let message = interchange.messages.first {
        let text = String(decoding: bytes.prefix(24), as: UTF8.self)
        if let path = try? Path(text) {
            _ = message.value(at: path)
            _ = path.description
        }
    }
    return 0
}

enum FuzzChecks {
    static func require(_ condition: Bool, _ what: @autoclosure () -> String) {
        if !condition { fatalError("fuzz check failed: \(what())") }
    }

    /// Reads everything a message offers, round-trips it and checks the invariants.
    static func exercise(_ message: Message, input: [UInt8]) {
        _ = message.messageType
        _ = message.triggerEvent
        _ = message.structureID
        _ = message.controlID
        _ = message.version
        _ = message.processingID
        _ = message.isMalformed
        for issue in message.issues { _ = issue.description }
        _ = message["MSH-9.2"]
        _ = message["PID-3(2).4.2"]
        _ = message["OBX[2]-5"]
        _ = message.segment("PID")
        _ = message.segments("OBX").count

        var leaves: [String] = []
        for segment in message.segments {
            leaves.append(contentsOf: touch(segment))
        }

        // Encode, re-parse, encode again: identical bytes, identical reading.
        let encoded = message.encoded(terminator: message.segmentTerminator)
        let again: Message
        do {
            again = try Message(encoded)
        } catch {
            fatalError("fuzz check failed: the encoded form of a parsed message does not parse: \(error)")
        }
        require(again.encoded(terminator: message.segmentTerminator) == encoded, "re-encoding the encoded form changed its bytes")
        require(again.segmentCount == message.segmentCount, "re-parsing changed the segment count")
        require(again.encodingCharacters == message.encodingCharacters, "re-parsing changed the delimiters")
        require(again.characterSet == message.characterSet, "re-parsing changed the character set")
        require(again.issues.map(\.code) == message.issues.map(\.code), "re-parsing changed the issues")
        // Same bytes and delimiters give the same values; spot-check the last segment.
        if let last = again.segments.last {
            require(touch(last) == touch(message.segments[message.segmentCount - 1]), "re-parsing changed a value")
        }
        for terminator in [SegmentTerminator.cr, .lf, .crlf] {
            let other = message.encoded(terminator: terminator)
            guard let reparsed = try? Message(other) else {
                fatalError("fuzz check failed: the message does not parse with terminator \(terminator)")
            }
            require(reparsed.encoded(terminator: message.segmentTerminator) == encoded, "changing the terminator changed the segments")
        }

        // JSON view: well-formed JSON with one entry per segment.
        let json = input.count % 2 == 0 ? message.json() : message.json(pretty: true, options: .keepingFormatting)
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let segments = object["segments"] as? [Any]
        else {
            fatalError("fuzz check failed: json() is not a JSON object with segments")
        }
        require(segments.count == message.segmentCount, "json() has the wrong number of segments")

        // Escaping a value and unescaping it gives it back, whatever the delimiters and character set.
        for value in leaves.prefix(64) {
            let escaped = EscapeSequence.escape(value, encoding: message.encodingCharacters, characterSet: message.characterSet)
            let back = escaped.withUnsafeBufferPointer {
                EscapeSequence.unescape($0, encoding: message.encodingCharacters, characterSet: message.characterSet)
            }
            require(back == value, "unescape(escape(value)) != value")
        }
    }

    static let editValues = ["", "x", "A|B^C~D\\E&F#G", "Nguyễn Thị Minh Khai", "line\rbreak\nand\r\n", "\"\"", "€ ß 漢 👩‍⚕️"]

    /// Sets a value at a path picked by `choice` and checks that it reads back.
    static func edit(_ message: Message, choosing choice: [UInt8]) {
        let segment = message.segments[Int(choice[0]) % message.segmentCount]
        var path = Path(segment: segment.id, occurrence: 1, field: Int(choice[1] % 24) + 1)
        path.occurrence = message.segments(segment.id).firstIndex { $0.index == segment.index }.map { $0 + 1 } ?? 1
        // A segment ID that is not valid text (a junk line read as a segment) cannot be named by a path.
        guard message.segment(path.segment, occurrence: path.occurrence)?.index == segment.index else { return }
        if choice[2] & 1 == 1 { path.repetition = Int(choice[2] >> 6) + 1 }
        if choice[3] & 1 == 1 {
            path.component = Int(choice[3] >> 5) + 1
            if choice[4] & 1 == 1 { path.subcomponent = Int(choice[4] >> 6) + 1 }
        }
        let value = editValues[Int(choice[5]) % editValues.count]
        var edited = message
        do {
            try edited.setValue(value, at: path)
        } catch {
            return  // MSH-1/MSH-2, or MSH-18 naming an unknown character set: refused, fine
        }
        require(edited.value(at: path) == value, "setValue(_:at: \(path)) does not read back")
        require(edited.segmentCount == message.segmentCount, "setValue changed the segment count")
        guard let reparsed = try? Message(edited.encoded()) else {
            fatalError("fuzz check failed: an edited message does not parse")
        }
        require(reparsed.value(at: path) == value, "an edit does not survive encoding")
    }

    /// Reads every element of a segment; returns the leaf texts in order.
    @discardableResult
    static func touch(_ segment: Segment) -> [String] {
        var leaves: [String] = [segment.id]
        _ = segment.er7
        _ = segment.isHeader
        _ = segment.description
        let fields = segment.fields
        require(fields.count == max(segment.fieldCount, 0), "fields.count != fieldCount")
        for (offset, field) in fields.enumerated() {
            require(segment.field(offset + 1)?.bytes == field.bytes, "field(n) disagrees with fields")
            _ = field.value
            _ = field.er7
            _ = field.isNull
            _ = field.isLeaf
            _ = field.text(options: .keepingFormatting)
            let repetitions = field.repetitions
            var rebuilt: [UInt8] = []
            for (r, repetition) in repetitions.enumerated() {
                if r > 0 { rebuilt.append(field.isOpaque ? 0 : segment.message.encodingCharacters.repetition) }
                rebuilt.append(contentsOf: repetition.bytes)
                require(field.repetition(r + 1)?.bytes == repetition.bytes, "repetition(n) disagrees with repetitions")
                for (c, component) in repetition.children.enumerated() {
                    require(repetition.child(c + 1)?.bytes == component.bytes, "child(n) disagrees with children")
                    for subcomponent in component.children {
                        require(subcomponent.isLeaf, "a subcomponent must be a leaf")
                        leaves.append(subcomponent.value)
                        _ = subcomponent.text(options: .keepingFormatting)
                    }
                }
            }
            if !field.isOpaque {
                require(rebuilt == Array(field.bytes), "the repetitions do not put the field back together")
            }
            require(field.repetition(repetitions.count + 1) == nil, "a repetition past the last one exists")
        }
        require(segment.field(fields.count + 1) == nil, "a field past the last one exists")
        return leaves
    }
}
