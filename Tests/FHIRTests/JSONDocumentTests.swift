@testable import FHIR
import Testing

@Suite("JSONDocument")
struct JSONDocumentTests {
    func parse(_ text: String) throws(FormatError) -> JSONDocument {
        try JSONDocument(parsing: Array(text.utf8))
    }

    @Test("numbers keep their exact text; strings are decoded on access")
    func values() throws {
        let document = try parse(#"{"a": 1.50, "b": -0.0e+10, "c": "x\"\\\/\n\u00e9\ud83d\ude00", "d": [true, false, null]}"#)
        let members = document.members(0)
        #expect(members.map { document.string($0.key) } == ["a", "b", "c", "d"])
        #expect(document.text(members[0].value) == "1.50")
        #expect(document.text(members[1].value) == "-0.0e+10")
        #expect(document.string(members[2].value) == "x\"\\/\né😀")
        #expect(document.items(members[3].value).map { document.kind($0) } == [.true, .false, .null])
        #expect(document.string(members[0].key, equals: "a"))
        #expect(!document.string(members[0].key, equals: "ab"))
    }

    @Test("escapes anywhere in a string: first, last, side by side, between long runs of text, after non-ASCII text")
    func escapesAnywhere() throws {
        let long = String(repeating: "Nguyễn Văn A ", count: 20)
        let cases: [(json: String, text: String)] = [
            (#""\n""#, "\n"), (#""\tx""#, "\tx"), (#""x\t""#, "x\t"), (#""\\\"\/""#, "\\\"/"),
            (#""\#(long)\n\#(long)\u00e9""#, long + "\n" + long + "é"), (#""é\u0041b""#, "éAb"),
        ]
        for (json, text) in cases {
            let document = try parse(json)
            #expect(document.string(0) == text, "\(json)")
        }
        // Control characters are refused, after a run of plain text too.
        #expect(throws: FormatError.self) { try parse("\"\(long)\u{01}\"") }
    }

    @Test("a string's plain run ends at the first quote, backslash or control byte, at every place in a word, and says whether it is ASCII")
    func plainRuns() {
        // A reference: byte by byte.
        func reference(_ bytes: [UInt8], _ start: Int) -> (end: Int, isASCII: Bool) {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\"), bytes[end] >= 0x20 { end += 1 }
            return (end, bytes[start..<end].allSatisfy { $0 < 0x80 })
        }
        var checked = 0
        for stop: UInt8 in [UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x00, 0x0A, 0x1F] {
            for length in 0..<20 {
                for high in [nil, 0, length / 2, max(0, length - 1)] as [Int?] {
                    // Plain bytes (0x20 and 0x7F included, and one above 0x7F), the stop, more text.
                    var bytes = (0..<length).map { UInt8(0x20 + ($0 * 7) % 0x60) }
                    if let high, high < length { bytes[high] = 0xC3 }
                    bytes += [stop] + Array("tail \u{1F}".utf8) + [0xC3, 0xA9]
                    for start in 0...min(3, length) {
                        let found = JSONDocument.Parser.plainRun(in: bytes, from: start)
                        let expected = reference(bytes, start)
                        #expect(found.end == expected.end && found.isASCII == expected.isASCII, "stop \(stop) length \(length) start \(start)")
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 300)
    }

    @Test("a byte order mark is skipped; whitespace around the value is allowed")
    func bom() throws {
        let document = try JSONDocument(parsing: [0xEF, 0xBB, 0xBF] + Array(" \n {} \n".utf8))
        #expect(document.kind(0) == .object)
    }

    @Test("errors name what is wrong and where", arguments: [
        ("{\"a\": 1,}", 1, 9, "a property name in quotes"),
        ("{\n  \"a\": 01\n}", 2, 8, "leading zeros"),
        ("[1 2]", 1, 4, "',' or ']'"),
        ("{\"a\": \"x", 1, 7, "not closed"),
        ("{\"a\": tru}", 1, 7, "unexpected character"),
        ("{\"a\": \"\\q\"}", 1, 8, "unknown escape"),
        ("{} x", 1, 4, "after the JSON value"),
        ("", 1, 1, "empty"),
        ("{\"a\": \"x\ty\"}", 1, 9, "control character"),
    ])
    func errors(text: String, line: Int, column: Int, message: String) {
        #expect {
            _ = try parse(text)
        } throws: { error in
            guard let error = error as? FormatError else { return false }
            return error.code == .invalidJSON && error.position == TextPosition(line: line, column: column) && error.message.contains(message)
        }
    }

    @Test("invalid UTF-8 in a string is an error, not replaced")
    func invalidUTF8() {
        #expect(throws: FormatError.self) {
            _ = try JSONDocument(parsing: Array("{\"a\": \"".utf8) + [0xC3, 0x28] + Array("\"}".utf8))
        }
    }

    @Test("nesting deeper than the limit is refused without exhausting the stack")
    func depth() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: FormatError.self) { _ = try parse(deep) }
        let fine = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(throws: Never.self) { _ = try parse(fine) }
    }

    @Test("every value's line and column, on lines of many lengths, CR LF and LF")
    func positions() throws {
        // Lines of 0 to 19 spaces of indent (CR LF on every third), a value on each line; the
        // reader asks with a hint (the last line found), messages without.
        var text = "[\n"
        for number in 0..<60 {
            text += String(repeating: " ", count: number % 20) + "\"v\(number)\"" + (number < 59 ? "," : "") + (number % 3 == 0 ? "\r\n" : "\n")
        }
        text += "]"
        let bytes = Array(text.utf8)
        let document = try JSONDocument(parsing: bytes)
        var hint = 0
        for item in document.items(0) {
            // The opening quote's line and column, counted byte by byte.
            let offset = bytes[..<(Int(document.values[item].start) - 1)]
            let line = offset.count { $0 == 0x0A } + 1
            let column = offset.count - (offset.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
            #expect(document.position(item) == TextPosition(line: line, column: column), "\(document.string(item))")
            #expect(document.position(item, lineHint: &hint) == TextPosition(line: line, column: column), "\(document.string(item))")
        }
        // A text ending in a line feed, and one without any.
        #expect(try JSONDocument(parsing: Array("\n\n  \"x\"\n".utf8)).position(0) == TextPosition(line: 3, column: 3))
        #expect(try JSONDocument(parsing: Array("   1".utf8)).position(0) == TextPosition(line: 1, column: 4))
    }
}
