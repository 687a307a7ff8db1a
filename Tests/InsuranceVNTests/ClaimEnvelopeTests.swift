import Foundation
import InsuranceVN
import Testing

@Suite struct ClaimEnvelopeTests {
    let definitions = ClaimDefinitions.standard

    func documents(_ files: [(String, String)]) throws -> [ClaimTableDocument] {
        try files.map { file, table in
            try ClaimTableDocument(xml: try TestFiles.fixture(file), table: try #require(definitions[table]))
        }
    }

    /// Build → write → read → the same envelope and the same table documents.
    @Test(arguments: [
        [("outpatient-xml1.xml", "XML1"), ("outpatient-xml2.xml", "XML2"), ("outpatient-xml3.xml", "XML3")],
        [("inpatient-xml1.xml", "XML1"), ("inpatient-xml2.xml", "XML2"), ("inpatient-xml3.xml", "XML3"),
         ("inpatient-xml4.xml", "XML4")],
    ])
    func roundTrip(_ files: [(String, String)]) throws {
        let tables = try documents(files)
        let envelope = try ClaimEnvelope(facilityCode: "79001", date: try #require(ClaimDate("20240315")), documents: tables)
        let read = try ClaimEnvelope(xml: try envelope.xml())
        #expect(read == envelope)
        #expect(read.issues.isEmpty)
        #expect(read.files.map(\.table) == files.map(\.1))
        #expect(try read.documents() == tables)
        for (file, (name, _)) in zip(read.files, files) {
            #expect(file.content == (try TestFiles.fixture(name)))
        }
    }

    @Test func writesTheLayoutOfNotes() throws {
        let envelope = ClaimEnvelope(
            facilityCode: "79001", date: try #require(ClaimDate("20240315")),
            files: [.init(table: "XML1", content: Data("<TONG_HOP/>".utf8))])
        let expected = """
            <?xml version="1.0" encoding="utf-8"?>
            <GIAMDINHHS>
              <THONGTINDONVI>
                <MACSKCB>79001</MACSKCB>
              </THONGTINDONVI>
              <THONGTINHOSO>
                <NGAYLAP>20240315</NGAYLAP>
                <SOLUONGHOSO>1</SOLUONGHOSO>
                <DANHSACHHOSO>
                  <HOSO>
                    <FILEHOSO>
                      <LOAIHOSO>XML1</LOAIHOSO>
                      <NOIDUNGFILE>PFRPTkdfSE9QLz4=</NOIDUNGFILE>
                    </FILEHOSO>
                  </HOSO>
                </DANHSACHHOSO>
              </THONGTINHOSO>
              <CHUKYDONVI/>
            </GIAMDINHHS>

            """
        #expect(String(decoding: try envelope.xml(), as: UTF8.self) == expected)
    }

    func envelope(_ files: String, date: String = "20240315", extra: String = "") -> Data {
        Data("""
            <?xml version="1.0" encoding="utf-8"?>
            <GIAMDINHHS><THONGTINDONVI><MACSKCB>79001</MACSKCB></THONGTINDONVI>
            <THONGTINHOSO><NGAYLAP>\(date)</NGAYLAP><SOLUONGHOSO>1</SOLUONGHOSO>
            <DANHSACHHOSO><HOSO>\(files)</HOSO></DANHSACHHOSO></THONGTINHOSO>\(extra)<CHUKYDONVI/></GIAMDINHHS>
            """.utf8)
    }

    @Test func base64WithLineBreaksIsRead() throws {
        let wrapped = "PFRPTkdf\r\n  SE9QLz4="
        let read = try ClaimEnvelope(xml: envelope("<FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>\(wrapped)</NOIDUNGFILE></FILEHOSO>"))
        #expect(read.files == [.init(table: "XML1", content: Data("<TONG_HOP/>".utf8))])
    }

    @Test func badBase64NamesTheFile() {
        let files = """
            <FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>PFRPTkdfSE9QLz4=</NOIDUNGFILE></FILEHOSO>
            <FILEHOSO><LOAIHOSO>XML2</LOAIHOSO><NOIDUNGFILE>PEN!SVRJRV*=</NOIDUNGFILE></FILEHOSO>
            """
        #expect {
            try ClaimEnvelope(xml: envelope(files))
        } throws: { error in
            guard let error = error as? ClaimError else { return false }
            return error.code == .invalidBase64 && error.table == "XML2"
                && error.path == "GIAMDINHHS/THONGTINHOSO/DANHSACHHOSO/HOSO/FILEHOSO[2]/NOIDUNGFILE"
                && error.line == 5
        }
    }

    @Test func unknownTableTypeNamesTheFile() {
        #expect {
            try ClaimEnvelope(xml: envelope("<FILEHOSO><LOAIHOSO>XML16</LOAIHOSO><NOIDUNGFILE></NOIDUNGFILE></FILEHOSO>"))
        } throws: { error in
            let error = error as? ClaimError
            return error?.code == .unknownTableType
                && error?.path == "GIAMDINHHS/THONGTINHOSO/DANHSACHHOSO/HOSO/FILEHOSO[1]/LOAIHOSO"
        }
        let built = ClaimEnvelope(facilityCode: "79001", date: ClaimDate("20240315")!, files: [.init(table: "XML99", content: Data())])
        #expect { try built.documents() } throws: { ($0 as? ClaimError)?.code == .unknownTableType }
    }

    @Test func aBadTableInsideNamesItsTable() throws {
        let content = Data("<TONG_HOP><MA_LK>1</MA_LK>".utf8).base64EncodedString()
        let read = try ClaimEnvelope(xml: envelope("<FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE>\(content)</NOIDUNGFILE></FILEHOSO>"))
        #expect { try read.documents() } throws: { ($0 as? ClaimError)?.code == .invalidXML && ($0 as? ClaimError)?.table == "XML1" }
    }

    @Test func structuralProblems() {
        #expect {
            try ClaimEnvelope(xml: Data("<GIAMDINH/>".utf8))
        } throws: { ($0 as? ClaimError)?.code == .unexpectedRootElement }
        #expect {
            try ClaimEnvelope(xml: Data("<GIAMDINHHS><THONGTINHOSO/></GIAMDINHHS>".utf8))
        } throws: { ($0 as? ClaimError)?.code == .missingElement && ($0 as? ClaimError)?.path == "GIAMDINHHS/THONGTINDONVI" }
        #expect {
            try ClaimEnvelope(xml: envelope("", date: "15/03/2024"))
        } throws: { ($0 as? ClaimError)?.code == .invalidValue && ($0 as? ClaimError)?.path == "GIAMDINHHS/THONGTINHOSO/NGAYLAP" }
        #expect {
            try ClaimEnvelope(xml: envelope("<FILEHOSO><NOIDUNGFILE/></FILEHOSO>"))
        } throws: { ($0 as? ClaimError)?.path == "GIAMDINHHS/THONGTINHOSO/DANHSACHHOSO/HOSO/FILEHOSO[1]/LOAIHOSO" }
        #expect {
            try ClaimEnvelope(xml: Data(String(decoding: envelope(""), as: UTF8.self)
                .replacingOccurrences(of: "<HOSO></HOSO>", with: "<HOSO></HOSO><HOSO></HOSO>").utf8))
        } throws: { ($0 as? ClaimError)?.code == .recordCount }
    }

    @Test func unknownEnvelopeElementsAreReported() throws {
        let read = try ClaimEnvelope(xml: envelope("<FILEHOSO><LOAIHOSO>XML1</LOAIHOSO><NOIDUNGFILE/><GHICHU/></FILEHOSO>", extra: "<PHIENBAN>2</PHIENBAN>"))
        #expect(read.issues.map(\.path) == [
            "GIAMDINHHS/THONGTINHOSO/DANHSACHHOSO/HOSO/FILEHOSO[1]/GHICHU", "GIAMDINHHS/PHIENBAN",
        ])
    }
}
