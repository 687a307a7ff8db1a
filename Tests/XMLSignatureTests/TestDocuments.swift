import Foundation

/// Documents the signature tests sign: envelope-shaped, with what canonicalization must handle
/// (an XML declaration, a comment, white space, non-ASCII text, attributes in any order,
/// character references, namespace declarations that exclusive C14N leaves out of SignedInfo).
enum TestDocuments {
    static let dsig = "http://www.w3.org/2000/09/xmldsig#"

    /// An envelope with `<CHUKYDONVI>` holding `signature` (empty by default).
    static func envelope(signature: String = "") -> Data {
        Data(
            """
            <?xml version="1.0" encoding="utf-8"?>
            <GIAMDINHHS xmlns:x="urn:example:x" xmlns:y="urn:example:y">
              <!-- test envelope -->
              <THONGTINDONVI><MACSKCB>79001</MACSKCB></THONGTINDONVI>
              <THONGTINHOSO>
                <NGAYLAP>20240315</NGAYLAP><SOLUONGHOSO>1</SOLUONGHOSO>
                <x:GHI_CHU y:loai="b"   x:ma='a'>Bệnh viện &#x110;a khoa &amp; "Test"</x:GHI_CHU>
                <DANHSACHHOSO><HOSO><FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>PFRPTkdfSE9QLz4=</NOIDUNGFILE></FILEHOSO></HOSO></DANHSACHHOSO>
              </THONGTINHOSO>
              <CHUKYDONVI>\(signature)</CHUKYDONVI>
            </GIAMDINHHS>

            """.utf8)
    }

    /// A signature template for `xmlsec1 --sign`: empty DigestValue, SignatureValue and X509Data,
    /// which xmlsec1 fills.
    static func template(
        canonicalization: String = "http://www.w3.org/2001/10/xml-exc-c14n#",
        signatureMethod: String = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256",
        transform: String = "http://www.w3.org/2001/10/xml-exc-c14n#",
        digestMethod: String = "http://www.w3.org/2001/04/xmlenc#sha256"
    ) -> String {
        """
        <Signature xmlns="\(dsig)">
          <SignedInfo>
            <CanonicalizationMethod Algorithm="\(canonicalization)"/>
            <SignatureMethod Algorithm="\(signatureMethod)"/>
            <Reference URI="">
              <Transforms>
                <Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>
                <Transform Algorithm="\(transform)"/>
              </Transforms>
              <DigestMethod Algorithm="\(digestMethod)"/>
              <DigestValue/>
            </Reference>
          </SignedInfo>
          <SignatureValue/>
          <KeyInfo><X509Data/></KeyInfo>
        </Signature>
        """
    }

    /// The document with the first occurrence of `target` replaced (a tampering).
    static func replacing(_ target: String, with replacement: String, in document: Data) throws -> Data {
        let text = String(decoding: document, as: UTF8.self)
        guard let range = text.range(of: target) else { throw NotFound(target: target) }
        return Data(text.replacingCharacters(in: range, with: replacement).utf8)
    }

    /// The text of the first element named `name` (no attributes), as written.
    static func text(of name: String, in document: Data) throws -> String {
        let text = String(decoding: document, as: UTF8.self)
        guard let start = text.range(of: "<\(name)>"), let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex)
        else { throw NotFound(target: name) }
        return String(text[start.upperBound..<end.lowerBound])
    }

    struct NotFound: Error { var target: String }
}
