package import NIOSSL
import SwiftASN1
import X509

extension NIOSSLCertificate {
    /// The certificate's subject in RFC 4514 form, most specific first
    /// (`CN=his.example.vn,O=Example,C=VN`, as `openssl x509 -subject -nameopt RFC2253`
    /// prints it); `nil` when the certificate cannot be read.
    ///
    /// Attribute types are named as RFC 4514 does (CN, O, OU, C, L, ST, STREET, DC, UID, plus E
    /// for an e-mail address and SERIALNUMBER), others by their OID; values are escaped
    /// as RFC 4514 asks (`\,`).
    package var rfc4514Subject: String? {
        guard let der = try? toDERBytes(), let certificate = try? Certificate(derEncoded: der) else { return nil }
        return certificate.subject.reversed().map { name in
            name.map { attribute in
                // swift-certificates escapes values as RFC 4514 asks.
                "\(Self.name(of: attribute.type))=\(attribute.value)"
            }.joined(separator: "+")
        }.joined(separator: ",")
    }

    private static let names: [String: String] = [
        "2.5.4.3": "CN", "2.5.4.5": "SERIALNUMBER", "2.5.4.6": "C", "2.5.4.7": "L", "2.5.4.8": "ST", "2.5.4.9": "STREET",
        "2.5.4.10": "O", "2.5.4.11": "OU", "0.9.2342.19200300.100.1.25": "DC", "0.9.2342.19200300.100.1.1": "UID",
        "1.2.840.113549.1.9.1": "E",
    ]

    private static func name(of type: ASN1ObjectIdentifier) -> String {
        let dotted = type.description
        return names[dotted] ?? dotted
    }
}
