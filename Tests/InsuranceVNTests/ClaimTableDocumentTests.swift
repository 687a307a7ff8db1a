import Foundation
import InsuranceVN
import Testing

@Suite struct ClaimTableDocumentTests {
    let definitions = ClaimDefinitions.standard

    static let fixtures: [(file: String, table: String, records: Int)] = [
        ("outpatient-xml1.xml", "XML1", 1), ("outpatient-xml2.xml", "XML2", 2), ("outpatient-xml3.xml", "XML3", 2),
        ("inpatient-xml1.xml", "XML1", 1), ("inpatient-xml2.xml", "XML2", 2), ("inpatient-xml3.xml", "XML3", 4),
        ("inpatient-xml4.xml", "XML4", 3),
    ]

    /// Reading a fixture and writing it again gives the same bytes: every field in the
    /// definition's order, empty ones as `<NAME/>`, UTF-8 Vietnamese text, escaped `&` and `<`.
    @Test(arguments: fixtures)
    func readingThenWritingGivesTheSameBytes(_ fixture: (file: String, table: String, records: Int)) throws {
        let bytes = try TestFiles.fixture(fixture.file)
        let document = try ClaimTableDocument(xml: bytes, table: try #require(definitions[fixture.table]))
        #expect(document.records.count == fixture.records)
        #expect(document.issues.isEmpty)
        let written = try document.xml()
        #expect(String(decoding: written, as: UTF8.self) == String(decoding: bytes, as: UTF8.self))
        #expect(try ClaimTableDocument(xml: written, table: document.table) == document)
    }

    @Test func outpatientValuesReadTyped() throws {
        let summary = try ClaimTableDocument(xml: try TestFiles.fixture("outpatient-xml1.xml"), table: try #require(definitions["XML1"]))
        let record = try #require(summary.records.first)
        #expect(record["HO_TEN"] == "Trần Thị Hồng Nhung")
        #expect(record["GHI_CHU"] == "Tái khám sau 30 ngày; mục tiêu HA < 140/90 & HbA1c < 7%")
        #expect(try record.dateTime(for: "NGAY_VAO") == ClaimDateTime("202403150745"))
        #expect(try record.dateTime(for: "NGAY_SINH")?.year == 1965)
        #expect(try record.decimal(for: "T_TONGCHI_BV") == ClaimDecimal("92930"))
        #expect(record["NGAY_MIEN_CCT"] == "")

        // The totals of XML1 are the sums of the XML2 and XML3 lines (NOTES.md).
        let drugs = try ClaimTableDocument(xml: try TestFiles.fixture("outpatient-xml2.xml"), table: try #require(definitions["XML2"]))
        let services = try ClaimTableDocument(xml: try TestFiles.fixture("outpatient-xml3.xml"), table: try #require(definitions["XML3"]))
        let lines = drugs.records + services.records
        let total = try lines.reduce(Decimal(0)) { $0 + (try $1.decimal(for: "THANH_TIEN_BV")?.decimalValue ?? 0) }
        #expect(total == (try record.decimal(for: "T_TONGCHI_BV"))?.decimalValue)
        #expect(try drugs.records[1].decimal(for: "DON_GIA")?.description == "320.5")
    }

    @Test func inpatientResultsAndSeveralCards() throws {
        let summary = try ClaimTableDocument(xml: try TestFiles.fixture("inpatient-xml1.xml"), table: try #require(definitions["XML1"]))
        let record = try #require(summary.records.first)
        #expect(try record.list(for: "MA_THE_BHYT").count == 2)
        #expect(try record.list(for: "GT_THE_DEN").compactMap(ClaimDate.init).count == 2)
        #expect(try record.list(for: "MA_BENH_KT") == ["J44.9", "I10"])
        #expect(try record.dateTime(for: "NGAY_VAO_NOI_TRU") == ClaimDateTime("202403101030"))

        let results = try ClaimTableDocument(xml: try TestFiles.fixture("inpatient-xml4.xml"), table: try #require(definitions["XML4"]))
        #expect(results.records.map(\.number) == [1, 2, 3])
        #expect(results.records[0]["GIA_TRI"] == "12.5")
        #expect(results.records[2]["KET_LUAN"] == "Hình ảnh viêm phổi thùy dưới phải")
    }

    /// A file written to the 4750 types: numbers where 3176 has strings (leading zeros lost),
    /// amounts with trailing zeros, CDATA, fields 3176 no longer writes, and missing elements.
    @Test func a4750FileReadsAsTheSameValues() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <TONG_HOP>
            <MA_LK>79001.231120.000042</MA_LK><STT>1</STT><MA_BN>BN0011111</MA_BN>
            <HO_TEN><![CDATA[Phạm Minh Tuấn]]></HO_TEN>
            <NGAY_SINH>198011230000</NGAY_SINH><GIOI_TINH>1</GIOI_TINH>
            <MA_QUOCTICH>704</MA_QUOCTICH><MA_DANTOC>1</MA_DANTOC>
            <NGAY_VAO>202311200800</NGAY_VAO><NGAY_RA>202311200930</NGAY_RA>
            <T_TONGCHI_BV>150000.00</T_TONGCHI_BV><T_BHTT>120000.0</T_BHTT><MA_TAI_NAN>00</MA_TAI_NAN>
            <MA_LOAI_KCB>01</MA_LOAI_KCB>
            </TONG_HOP>
            """
        let document = try ClaimTableDocument(xml: Data(xml.utf8), table: try #require(definitions["XML1"]))
        #expect(document.issues.isEmpty)
        let record = try #require(document.records.first)
        #expect(record["MA_DANTOC"] == "1")
        #expect(try record.value(for: "MA_DANTOC") == "01")
        #expect(try record.decimal(for: "T_TONGCHI_BV") == ClaimDecimal("150000"))
        #expect(try record.decimal(for: "T_BHTT") == ClaimDecimal(120_000))
        #expect(try record.decimal(for: "MA_TAI_NAN") == ClaimDecimal(0))
        #expect(try record.dateTime(for: "NGAY_SINH")?.day == 23)
        #expect(record["HO_TEN"] == "Phạm Minh Tuấn")
        #expect(record["NHOM_MAU"] == nil)
        #expect(try record.text(for: "NHOM_MAU") == nil)
    }

    @Test func renamedAndRemovedFieldsOfOlderReferrals() throws {
        let table = try #require(definitions["XML13"])
        let xml = """
            <CHI_TIEU_GIAYCHUYENTUYEN><MA_LK>LK1</MA_LK><MA_NOI_DI>79001</MA_NOI_DI>\
            <TEN_THUOC>Ceftriaxon</TEN_THUOC><PP_DIEU_TRI>Ổn định</PP_DIEU_TRI></CHI_TIEU_GIAYCHUYENTUYEN>
            """
        let document = try ClaimTableDocument(xml: Data(xml.utf8), table: table)
        #expect(document.issues.isEmpty)
        let record = try #require(document.records.first)
        #expect(record["MA_CSKCB_DI"] == "79001")
        #expect(record["TINH_TRANG_CT"] == "Ổn định")
        #expect(record["TEN_THUOC"] == "Ceftriaxon")
        let written = String(decoding: try document.xml(), as: UTF8.self)
        #expect(written.contains("<MA_CSKCB_DI>79001</MA_CSKCB_DI>"))
        #expect(written.contains("<TINH_TRANG_CT>Ổn định</TINH_TRANG_CT>"))
        #expect(!written.contains("TEN_THUOC") && !written.contains("MA_NOI_DI"))
    }

    @Test func unknownAndRepeatedElementsAreReportedAndKept() throws {
        let xml = """
            <CHITIEU_CHITIET_THUOC>
              <DSACH_CHI_TIET_THUOC>
                <CHI_TIET_THUOC><MA_LK>LK1</MA_LK><STT>1</STT><MA_THUOC_CU>40.1</MA_THUOC_CU><STT>2</STT></CHI_TIET_THUOC>
                <GHI_CHU>x</GHI_CHU>
              </DSACH_CHI_TIET_THUOC>
              <TONG>1</TONG>
            </CHITIEU_CHITIET_THUOC>
            """
        let document = try ClaimTableDocument(xml: Data(xml.utf8), table: try #require(definitions["XML2"]))
        let record = try #require(document.records.first)
        #expect(document.records.count == 1)
        #expect(record.unknownElements == [ClaimUnknownElement(name: "MA_THUOC_CU", text: "40.1")])
        #expect(record["STT"] == "1")
        #expect(document.issues.map(\.code) == [.unknownElement, .duplicateElement, .unknownElement, .unknownElement])
        #expect(document.issues.map(\.path).contains("CHITIEU_CHITIET_THUOC/TONG"))
        #expect(document.issues.map(\.path).contains("CHITIEU_CHITIET_THUOC/DSACH_CHI_TIET_THUOC/CHI_TIET_THUOC/MA_THUOC_CU"))
        #expect(document.issues.first { $0.code == .duplicateElement }?.record == 1)
        #expect(document.issues.allSatisfy { !$0.description.contains("40.1") })
    }

    @Test func badDocumentsGivePreciseErrors() throws {
        let drugs = try #require(definitions["XML2"])
        #expect {
            try ClaimTableDocument(xml: Data("<CHITIEU_CHITIET_THUOC>\n<DSACH_CHI_TIET_THUOC>\n</CHITIEU_CHITIET_THUOC>".utf8), table: drugs)
        } throws: { error in
            let error = error as? ClaimError
            return error?.code == .invalidXML && error?.table == "XML2" && error?.line == 3
        }
        #expect {
            try ClaimTableDocument(xml: Data("<TONG_HOP/>".utf8), table: drugs)
        } throws: { ($0 as? ClaimError)?.code == .unexpectedRootElement && ($0 as? ClaimError)?.path == "TONG_HOP" }
        #expect {
            try ClaimTableDocument(xml: Data("<X/>".utf8), table: try #require(definitions["XML12"]))
        } throws: { ($0 as? ClaimError)?.code == .tableLayoutUnknown }
    }

    @Test func writingRejectsWhatXMLCannotCarry() throws {
        let summary = try #require(definitions["XML1"])
        var record = ClaimRecord(table: summary)
        try record.setText("dòng 1\u{0B}dòng 2", for: "GHI_CHU")
        #expect {
            try ClaimTableDocument(table: summary, records: [record]).xml()
        } throws: { ($0 as? ClaimError)?.code == .invalidCharacter && ($0 as? ClaimError)?.path == "GHI_CHU" }
        #expect {
            try ClaimTableDocument(table: summary, records: [record, record]).xml()
        } throws: { ($0 as? ClaimError)?.code == .recordCount }
        let drugs = try #require(definitions["XML2"])
        #expect {
            try ClaimTableDocument(table: drugs, records: [ClaimRecord(table: summary)]).xml()
        } throws: { ($0 as? ClaimError)?.code == .mismatchedRecord }
        // U+FFFE and U+FFFF are not XML characters; other texts ending in the bytes BE and BF are
        // (¾ C2 BE, ¿ C2 BF, U+FFBE EF BE BE, U+FFFD EF BF BD).
        for text in ["a\u{FFFE}", "\u{FFFF}b", "ổn \u{FFFF}"] {
            try record.setText(text, for: "GHI_CHU")
            #expect {
                try ClaimTableDocument(table: summary, records: [record]).xml()
            } throws: { ($0 as? ClaimError)?.code == .invalidCharacter }
        }
        try record.setText("¾ ¿ \u{FFBE} \u{FFFD} đủ", for: "GHI_CHU")
        let document = ClaimTableDocument(table: summary, records: [record])
        #expect(try ClaimTableDocument(xml: try document.xml(), table: summary) == document)
    }

    @Test func carriageReturnsTabsAndMarkupSurviveARoundTrip() throws {
        let summary = try #require(definitions["XML1"])
        var record = ClaimRecord(table: summary)
        try record.setText("a\r\nb\tc <d> & 'e' \"f\" ]]>", for: "GHI_CHU")
        try record.setText("  khoảng trắng  ", for: "DIA_CHI")
        let document = ClaimTableDocument(table: summary, records: [record])
        let written = try document.xml()
        #expect(String(decoding: written, as: UTF8.self).contains("<GHI_CHU>a&#13;\nb\tc &lt;d&gt; &amp; 'e' \"f\" ]]&gt;</GHI_CHU>"))
        #expect(try ClaimTableDocument(xml: written, table: summary) == document)
    }

    @Test func aNewRecordWritesEveryCurrentFieldEmpty() throws {
        let referral = try #require(definitions["XML13"])
        let written = String(decoding: try ClaimTableDocument(table: referral, records: [ClaimRecord(table: referral)]).xml(), as: UTF8.self)
        let lines = written.split(separator: "\n")
        #expect(lines.first == "<?xml version=\"1.0\" encoding=\"utf-8\"?>")
        #expect(lines.count == 1 + 2 + referral.fields.filter { !$0.isRemoved }.count)
        #expect(lines[2] == "  <MA_LK/>")
        let drugs = try #require(definitions["XML2"])
        let empty = String(decoding: try ClaimTableDocument(table: drugs, records: []).xml(), as: UTF8.self)
        #expect(empty.hasSuffix("<CHITIEU_CHITIET_THUOC>\n  <DSACH_CHI_TIET_THUOC>\n  </DSACH_CHI_TIET_THUOC>\n</CHITIEU_CHITIET_THUOC>\n"))
    }
}
