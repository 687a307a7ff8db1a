import Foundation

/// The subject of a TLS client certificate, as a distinguished name in RFC 4514 form:
/// `CN=his.bvdk-tinh.vn,O=BVDK Tinh,C=VN` (most specific first, as `openssl x509 -noout -subject
/// -nameopt RFC2253` prints it).
///
/// Two subjects are equal when they name the same attributes in the same order after
/// normalisation:
/// - attribute types by their name or OID, case-insensitive (`cn`, `CN` and `2.5.4.3` are one;
///   `E` and `emailAddress` are one);
/// - values with RFC 4514 escapes decoded (`\,`, `\2C`), spaces around them and around `,`, `+`
///   and `=` dropped, runs of inner spaces made one, compared case-insensitively (the matching
///   rule of these attributes, caseIgnoreMatch);
/// - the attributes of one multi-valued RDN (`OU=a+OU=b`) in any order.
///
/// No attribute is left out: `CN=his.bvdk-tinh.vn` does not equal `CN=his.bvdk-tinh.vn,O=BVDK Tinh`.
///
/// ```swift
/// let allowed = try ClientSubject("CN=his.bvdk-tinh.vn, O=BVDK Tinh, C=VN")
/// allowed == (try ClientSubject("cn=HIS.bvdk-tinh.vn,o=BVDK  Tinh,c=vn"))   // true
/// ```
public struct ClientSubject: Sendable, Hashable, CustomStringConvertible {
    /// One attribute of a relative distinguished name, normalised.
    struct Attribute: Hashable, Comparable, Sendable {
        var type: String
        var value: String

        static func < (left: Attribute, right: Attribute) -> Bool {
            (left.type, left.value) < (right.type, right.value)
        }
    }

    /// The text as written.
    public let text: String
    /// The relative distinguished names, most specific first, each's attributes sorted.
    let names: [[Attribute]]

    /// Reads a subject in RFC 4514 form.
    ///
    /// - Throws: ``AllowListError`` with ``AllowListError/Code/invalidSubject``.
    public init(_ text: String) throws(AllowListError) {
        self.text = text
        do {
            names = try Self.parse(text)
        } catch let problem {
            throw AllowListError(.invalidSubject, entry: text, "\(problem.message); expected a subject such as CN=his.example.vn,O=Example,C=VN")
        }
    }

    /// The subject as written.
    public var description: String { text }

    public static func == (left: ClientSubject, right: ClientSubject) -> Bool { left.names == right.names }

    public func hash(into hasher: inout Hasher) { hasher.combine(names) }

    // MARK: Parsing

    struct Problem: Error {
        var message: String
    }

    /// Attribute type names and their OIDs (RFC 4514 section 3, plus the names OpenSSL prints).
    static let types: [String: String] = [
        "CN": "2.5.4.3", "SN": "2.5.4.4", "SERIALNUMBER": "2.5.4.5", "C": "2.5.4.6", "L": "2.5.4.7", "ST": "2.5.4.8",
        "STREET": "2.5.4.9", "O": "2.5.4.10", "OU": "2.5.4.11", "TITLE": "2.5.4.12", "GN": "2.5.4.42", "GIVENNAME": "2.5.4.42",
        "DC": "0.9.2342.19200300.100.1.25", "UID": "0.9.2342.19200300.100.1.1",
        "E": "1.2.840.113549.1.9.1", "EMAIL": "1.2.840.113549.1.9.1", "EMAILADDRESS": "1.2.840.113549.1.9.1",
    ]

    static func parse(_ text: String) throws(Problem) -> [[Attribute]] {
        let characters = Array(text.unicodeScalars)
        var names: [[Attribute]] = []
        var current: [Attribute] = []
        var index = 0
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw Problem(message: "the subject is empty") }
        while true {
            // type
            var type = ""
            while index < characters.count, characters[index] != "=" {
                if [",", "+"].contains(characters[index]) { throw Problem(message: "an attribute has no = (\"\(type.trimmingCharacters(in: .whitespaces))\")") }
                type.unicodeScalars.append(characters[index])
                index += 1
            }
            guard index < characters.count else {
                throw Problem(message: "an attribute has no = (\"\(type.trimmingCharacters(in: .whitespaces))\")")
            }
            index += 1  // "="
            let oid = try Self.oid(of: type.trimmingCharacters(in: .whitespaces))
            // value
            while index < characters.count, characters[index] == " " { index += 1 }
            var bytes: [UInt8] = []
            var trailingSpaces = 0  // unescaped spaces at the end so far
            let isHex = index < characters.count && characters[index] == "#"
            while index < characters.count, characters[index] != ",", characters[index] != "+" {
                let scalar = characters[index]
                if scalar == "\\" {
                    guard index + 1 < characters.count else { throw Problem(message: "a \\ ends the subject") }
                    let next = characters[index + 1]
                    if " \"#+,;<=>\\".unicodeScalars.contains(next) {
                        bytes += Array(String(next).utf8)
                        index += 2
                    } else if index + 2 < characters.count, let byte = UInt8(String(String.UnicodeScalarView([next, characters[index + 2]])), radix: 16) {
                        bytes.append(byte)
                        index += 3
                    } else {
                        throw Problem(message: "\\\(next) is not an escape (\\, \\+ \\\" \\\\ … or two hexadecimal digits)")
                    }
                    trailingSpaces = 0
                    continue
                }
                if ["\"", ";", "<", ">"].contains(scalar) {
                    throw Problem(message: "\(scalar) must be escaped with \\ in a value")
                }
                trailingSpaces = scalar == " " ? trailingSpaces + 1 : 0
                bytes += Array(String(scalar).utf8)
                index += 1
            }
            bytes.removeLast(trailingSpaces)
            guard let raw = String(bytes: bytes, encoding: .utf8) else { throw Problem(message: "a value is not UTF-8") }
            if isHex {
                let digits = raw.dropFirst()
                guard !digits.isEmpty, digits.count % 2 == 0, digits.allSatisfy({ $0.isHexDigit }) else {
                    throw Problem(message: "a value starting with # must be hexadecimal (a DER encoding)")
                }
            }
            guard !raw.isEmpty else { throw Problem(message: "the \(type.trimmingCharacters(in: .whitespaces)) attribute has no value") }
            current.append(Attribute(type: oid, value: Self.normalise(raw)))
            if index == characters.count {
                names.append(current.sorted())
                break
            }
            if characters[index] == "," {
                names.append(current.sorted())
                current = []
            }
            index += 1
            guard index < characters.count else { throw Problem(message: "the subject ends with a separator") }
        }
        return names
    }

    /// The OID of an attribute type: by name (case-insensitive), or dotted (`2.5.4.3`, `OID.2.5.4.3`).
    static func oid(of type: String) throws(Problem) -> String {
        if let oid = types[type.uppercased()] { return oid }
        var dotted = Substring(type)
        if dotted.uppercased().hasPrefix("OID.") { dotted = dotted.dropFirst(4) }
        let arcs = dotted.split(separator: ".", omittingEmptySubsequences: false)
        guard arcs.count >= 2, arcs.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else {
            throw Problem(message: type.isEmpty ? "an attribute has no type" : "unknown attribute type \"\(type)\" (CN, O, OU, C, L, ST, STREET, DC, UID, E, SERIALNUMBER or a dotted OID)")
        }
        return arcs.map { String(Int($0) ?? 0) }.joined(separator: ".")
    }

    /// Case folded, inner runs of spaces made one.
    static func normalise(_ value: String) -> String {
        value.lowercased().split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}
