import Foundation
import Testing

@testable import InsuranceVN

/// The byte-level fast paths give what Foundation gives: the XML tree (or Foundation's error),
/// the base64 bytes, and the validator's fixed-point arithmetic against `Decimal`.
@Suite struct FastPathAgreementTests {
    static let fixtures = [
        "inpatient-xml1.xml", "inpatient-xml2.xml", "inpatient-xml3.xml", "inpatient-xml4.xml",
        "outpatient-xml1.xml", "outpatient-xml2.xml", "outpatient-xml3.xml",
    ]

    /// Variants of a document: what the scanner reads itself and what it must hand on.
    static func variants(of text: String) -> [String: String] {
        let field = "<STT>1</STT>"
        return [
            "as is": text,
            "CR LF": text.replacingOccurrences(of: "\n", with: "\r\n"),
            "lone CR": text.replacingOccurrences(of: "\n", with: "\r"),
            "tabs": text.replacingOccurrences(of: "  ", with: "\t"),
            "byte order mark": "\u{FEFF}" + text,
            "no declaration": String(text.drop { $0 != "\n" }.dropFirst()),
            "other declaration": text.replacingOccurrences(of: "encoding=\"utf-8\"?>", with: "encoding='UTF-8' standalone='yes'?>"),
            "CDATA": text.replacingOccurrences(of: field, with: "<STT><![CDATA[1<&>]]></STT>"),
            "CDATA with CR": text.replacingOccurrences(of: field, with: "<STT><![CDATA[1\r\n2]]></STT>"),
            "references": text.replacingOccurrences(of: field, with: "<STT>&lt;&#49;&#x41;&#13;&quot;&apos;&gt;&amp;</STT>"),
            "bad reference": text.replacingOccurrences(of: field, with: "<STT>&nbsp;</STT>"),
            "reference to a control": text.replacingOccurrences(of: field, with: "<STT>&#1;</STT>"),
            "text CR LF": text.replacingOccurrences(of: field, with: "<STT>1\r\n2\n</STT>"),
            "comment": text.replacingOccurrences(of: field, with: "<!-- c -->" + field),
            "processing instruction": text.replacingOccurrences(of: field, with: "<?pi x?>" + field),
            "attribute": text.replacingOccurrences(of: field, with: "<STT a=\"1\">1</STT>"),
            "spaces in tags": text.replacingOccurrences(of: field, with: "<STT >1</STT\t>"),
            "empty element": text.replacingOccurrences(of: field, with: "<STT />"),
            "nested": text.replacingOccurrences(of: field, with: "<STT>1<SUB>2</SUB>3</STT>"),
            "prefix": text.replacingOccurrences(of: field, with: "<a:STT>1</a:STT>"),
            "non-ASCII name": text.replacingOccurrences(of: field, with: "<ĐẶC>1</ĐẶC>"),
            "mismatched": text.replacingOccurrences(of: field, with: "<STT>1</STX>"),
            "unclosed": String(text.dropLast(8)),
            "two roots": text + "<X/>",
            "text after root": text + "x",
            "white space after root": text + " \r\n\t",
            "ampersand": text.replacingOccurrences(of: field, with: "<STT>A & B</STT>"),
            "less-than": text.replacingOccurrences(of: field, with: "<STT>A < B</STT>"),
            "]]>": text.replacingOccurrences(of: field, with: "<STT>a]]>b</STT>"),
            "]] and >": text.replacingOccurrences(of: field, with: "<STT>a]] >b]]</STT>"),
            "control character": text.replacingOccurrences(of: field, with: "<STT>a\u{1}b</STT>"),
            "U+FFFE": text.replacingOccurrences(of: field, with: "<STT>a\u{FFFE}b</STT>"),
            "supplementary": text.replacingOccurrences(of: field, with: "<STT>a😀\u{85}\u{2028}b</STT>"),
            "DOCTYPE": text.replacingOccurrences(of: "?>\n", with: "?>\n<!DOCTYPE X>\n"),
            "empty": "",
            "white space": " \n",
        ]
    }

    @Test(arguments: fixtures)
    func scannerBuildsFoundationsTree(_ fixture: String) throws {
        let text = String(decoding: try TestFiles.fixture(fixture), as: UTF8.self)
        var scanned = 0
        for (name, variant) in Self.variants(of: text) {
            let data = Data(variant.utf8)
            let fast = data.withUnsafeBytes { XMLScanner.tree($0.bindMemory(to: UInt8.self)) }
            let reference = Result { try XMLNode.parseWithFoundation(data) }
            if let fast {
                scanned += 1
                #expect(try reference.get() == fast, "\(fixture), \(name)")
            }
            #expect(
                (try? XMLNode.parse(data)) == (try? reference.get()), "\(fixture), \(name): parse agrees with Foundation")
        }
        // The plain forms are read by the scanner, not handed on.
        #expect(scanned >= 12, "\(fixture): only \(scanned) variants scanned")
    }

    @Test func invalidBytesAreHandedOn() throws {
        var bytes = Array(try TestFiles.fixture("inpatient-xml2.xml"))
        let position = try #require(bytes.firstIndex(of: UInt8(ascii: "C")).map { $0 + 200 })
        for bad: [UInt8] in [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80]] {
            var broken = bytes
            broken.insert(contentsOf: bad, at: position)
            #expect(broken.withUnsafeBufferPointer { XMLScanner.tree($0) } == nil)
        }
        bytes.append(contentsOf: Array("\n".utf8))
        #expect(bytes.withUnsafeBufferPointer { XMLScanner.tree($0) } != nil)
    }

    @Test func base64AgreesWithFoundation() throws {
        var texts = [
            "", "QQ==", "QUI=", "QUJD", "QR==", "QUJ=", "QQ=", "QQ", "Q", "QQ===", "QQ==QUJD", "QUJD\r\n QUJD\t",
            "  ", "Q!==", "QU-_", "QUJD=", "=QUJD", "QU=D", "QUJDQQ==\n",
        ]
        for fixture in Self.fixtures {
            let encoded = try TestFiles.fixture(fixture).base64EncodedString()
            texts.append(encoded)
            texts.append(String(encoded.dropLast()))
            texts.append(encoded + "=")
            texts.append(stride(from: 0, to: encoded.count, by: 76).map { start in
                let from = encoded.index(encoded.startIndex, offsetBy: start)
                return String(encoded[from..<(encoded.index(from, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex)])
            }.joined(separator: "\r\n"))
        }
        for text in texts {
            let compact = String(text.unicodeScalars.filter { !" \t\r\n".unicodeScalars.contains($0) })
            #expect(Base64.decode(text) == Data(base64Encoded: compact), "\(text.prefix(20))")
        }
    }

    /// The envelope's encoder writes what `base64EncodedString()` writes, whatever the length
    /// (0, 1 or 2 bytes left over) and the bytes.
    @Test func base64EncodingAgreesWithFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        var inputs = (0..<200).map { length in Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }) }
        inputs.append(Data([0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0xFB, 0xEF]))
        for fixture in Self.fixtures { inputs.append(try TestFiles.fixture(fixture)) }
        for input in inputs {
            var output = [UInt8](repeating: 0, count: (input.count + 2) / 3 * 4)
            output.withUnsafeMutableBufferPointer { target in
                input.withUnsafeBytes { Base64.encode($0, into: target.baseAddress!) }
            }
            #expect(String(decoding: output, as: UTF8.self) == input.base64EncodedString(), "\(input.count) bytes")
        }
    }

    /// The date order the validator checks on the texts' bytes is the order it checked on the
    /// texts as strings: by day when either is a date, nothing when either is not a date.
    @Test func dateOrderAgreesWithTextOrder() {
        func reference(_ later: String, _ earlier: String) -> Bool? {
            let isDate = { (text: String) in text.count == 8 ? ClaimDate(text) != nil : ClaimDateTime(text) != nil }
            guard isDate(later), isDate(earlier) else { return nil }
            let length = min(later.count, earlier.count)
            return later.prefix(length) < earlier.prefix(length)
        }
        let texts = [
            "20240315", "20240314", "20240316", "202403150800", "202403142359", "202403151200", "202403160000", "20231231",
            "2024031", "20240230", "2024031508", "２０２４０３１５", "2024031５", "", "abcdefgh", "202403150860", "202413150800",
        ]
        for later in texts {
            for earlier in texts {
                #expect(ClaimValidator.isBefore(later, earlier) == reference(later, earlier), "\(later) \(earlier)")
            }
        }
    }

    /// Decimal's rounding, the validator's rule before ClaimAmount.
    static func rounded(_ value: Decimal) -> Decimal {
        var value = value
        var result = Decimal()
        NSDecimalRound(&result, &value, 2, .plain)
        return result
    }

    static let numbers = [
        "0", "1", "-1", "2.5", "-2.5", "0.005", "-0.005", "0.004999", "0.015", "-0.015", "1.005", "2.675", "100",
        "33.33", "99.99", "0.125", "8.000", "150.75", "17850", "0.001", "999999.999", "99999999999.99", "1234567.891",
        "123456789012345", "999999999999999", "0.000000000000001", "12.345", "1.999", "-5.5", "0.0050", "000123.4500",
        "123456789012345678", "1234567890123456789", "99999999999999999999999", "0.000000000000000000001",
    ]

    @Test func decimalsKeepTheirValue() throws {
        for text in Self.numbers {
            let decimal = try #require(ClaimDecimal(text))
            #expect(decimal.decimalValue == Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")), "\(text)")
            #expect(ClaimAmount(decimal).decimalValue == decimal.decimalValue, "\(text)")
        }
        #expect(ClaimDecimal("2.50") == ClaimDecimal("2.5"))
        #expect(ClaimDecimal("-0.00") == ClaimDecimal("0"))
        #expect(ClaimDecimal("000" + String(repeating: "9", count: 23)) == ClaimDecimal(String(repeating: "9", count: 23) + ".00"))
        #expect(ClaimDecimal("1234567890123456789") != ClaimDecimal("1234567890123456788"))
    }

    /// Products, rates, differences, sums, rounding and order as the amount, total and range
    /// rules use them, against the same formulas in `Decimal`.
    @Test func arithmeticAgreesWithDecimal() throws {
        let values = try Self.numbers.map { try #require(ClaimDecimal($0)) }
        for a in values {
            for b in values {
                let (x, y) = (ClaimAmount(a), ClaimAmount(b))
                let (p, q) = (a.decimalValue, b.decimalValue)
                let label = "\(a), \(b)"
                #expect((x * y).rounded().decimalValue == Self.rounded(p * q), "\(label) ×")
                #expect((x * y).percent.rounded().decimalValue == Self.rounded(p * q / 100), "\(label) × ÷ 100")
                #expect((x * y * y).percent.rounded().decimalValue == Self.rounded(p * q * q / 100), "\(label) × × ÷ 100")
                #expect((x - (x * y).percent).rounded().decimalValue == Self.rounded(p - p * q / 100), "\(label) −")
                #expect((x + y).rounded().decimalValue == Self.rounded(p + q), "\(label) +")
                #expect(((x * y).rounded() == y.rounded()) == (Self.rounded(p * q) == Self.rounded(q)), "\(label) ==")
                #expect((x < y) == (p < q), "\(label) <")
                #expect((x > y) == (p > q), "\(label) >")
            }
        }
    }

    /// The builder's amounts as it writes them (ClaimAmount's `text`) against the same formulas
    /// in `Decimal`, rounded and written by `Decimal`'s `description`, as the builder wrote them
    /// before: every product, rate and difference it computes, at 2 and 3 decimals.
    @Test func amountTextsAgreeWithDecimal() throws {
        func written(_ value: Decimal, scale: Int) -> String {
            var value = value
            var result = Decimal()
            NSDecimalRound(&result, &value, scale, .plain)
            return result.description
        }
        let values = try Self.numbers.map { try #require(ClaimDecimal($0)) }
        var compared = 0
        for a in values {
            #expect(ClaimAmount(a).rounded(scale: 3).text == written(a.decimalValue, scale: 3), "\(a)")
            for b in values {
                let (x, y) = (ClaimAmount(a), ClaimAmount(b))
                let (p, q) = (a.decimalValue, b.decimalValue)
                let label = "\(a), \(b)"
                let pairs: [(ClaimAmount, Decimal)] = [
                    (x * y, p * q), ((x * y).percent, p * q / 100), ((x * y * y).percent, p * q * q / 100),
                    (((x * y * y).percent * x).percent, p * q * q / 100 * p / 100), (x - y, p - q), (x + y + y, p + q + q),
                    ((x * (.hundred - y)).percent.rounded(), Self.rounded(p * (100 - q) / 100)), (x, p),
                ]
                for (index, (amount, decimal)) in pairs.enumerated() {
                    for scale in [2, 3] {
                        #expect(amount.rounded(scale: scale).text == written(decimal, scale: scale), "\(label) #\(index) scale \(scale)")
                        compared += 1
                    }
                }
            }
        }
        #expect(compared == values.count * values.count * 16)
        #expect(ClaimAmount(try #require(ClaimDecimal("-0.004"))).rounded().text == "0")
        #expect(ClaimAmount(try #require(ClaimDecimal("1048644.80"))).rounded().text == "1048644.8")
    }
}
