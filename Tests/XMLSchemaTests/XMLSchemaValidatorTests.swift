import Foundation
import Testing
@testable import XMLSchema

@Suite struct XMLSchemaValidatorTests {
    static let schema = Data(
        """
        <?xml version="1.0" encoding="utf-8"?>
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
          <xs:element name="PATIENT">
            <xs:complexType>
              <xs:sequence>
                <xs:element name="NAME">
                  <xs:simpleType>
                    <xs:restriction base="xs:string"><xs:maxLength value="5"/></xs:restriction>
                  </xs:simpleType>
                </xs:element>
                <xs:element name="AGE" type="xs:decimal" minOccurs="0"/>
              </xs:sequence>
            </xs:complexType>
          </xs:element>
        </xs:schema>
        """.utf8)

    @Test func validDocumentHasNoIssues() throws {
        let validator = try XMLSchemaValidator(schema: Self.schema)
        let issues = try validator.validate(Data("<PATIENT>\n  <NAME>An</NAME>\n  <AGE>42</AGE>\n</PATIENT>".utf8))
        #expect(issues.isEmpty)
    }

    @Test func valueTooLongGivesLineAndElementWithoutTheValue() throws {
        let validator = try XMLSchemaValidator(schema: Self.schema)
        let issues = try validator.validate(Data("<PATIENT>\n  <NAME>O'Brien Hoa</NAME>\n</PATIENT>".utf8))
        let issue = try #require(issues.first)
        #expect(issues.count == 1)
        #expect(issue.line == 2)
        #expect(issue.element == "NAME")
        #expect(issue.message.contains("maxLength"))
        #expect(!issue.message.contains("Brien"))
    }

    @Test func collapsedValueOfANonStringTypeIsRedacted() throws {
        let validator = try XMLSchemaValidator(schema: Self.schema)
        let issues = try validator.validate(Data("<PATIENT><NAME>An</NAME><AGE>  forty\n two </AGE></PATIENT>".utf8))
        let issue = try #require(issues.first)
        #expect(issue.element == "AGE")
        #expect(!issue.message.contains("forty"))
    }

    @Test func unexpectedElementAndWrongOrderAreIssues() throws {
        let validator = try XMLSchemaValidator(schema: Self.schema)
        let unknown = try validator.validate(Data("<PATIENT>\n<NAME>An</NAME>\n<EXTRA/>\n</PATIENT>".utf8))
        #expect(unknown.map(\.line) == [3])
        #expect(unknown.first?.element == "EXTRA")
        let reordered = try validator.validate(Data("<PATIENT>\n<AGE>1</AGE>\n<NAME>An</NAME>\n</PATIENT>".utf8))
        #expect(reordered.first?.line == 2)
    }

    @Test func documentThatIsNotWellFormedGivesTheParsersIssue() throws {
        let validator = try XMLSchemaValidator(schema: Self.schema)
        let issues = try validator.validate(Data("<PATIENT>\n<NAME>An</NAME>\n</PATIEN>".utf8))
        #expect(!issues.isEmpty)
        #expect(issues.first?.line == 3)
        #expect(try !validator.validate(Data()).isEmpty)
    }

    @Test func wrongEncodingDoesNotRepeatTheBytes() throws {
        let validator = try XMLSchemaValidator(schema: Self.schema)
        let issues = try validator.validate(Data([0x3C, 0x50, 0x41, 0x54, 0x49, 0x45, 0x4E, 0x54, 0x3E, 0xC3, 0x28, 0x41]))
        #expect(!issues.isEmpty)
        #expect(issues.allSatisfy { !$0.message.contains("0xC3") })
    }

    @Test func schemaThatIsNotAnXSDThrows() {
        #expect(throws: XMLSchemaError.self) { try XMLSchemaValidator(schema: Data("<PATIENT/>".utf8)) }
        #expect(throws: XMLSchemaError.self) { try XMLSchemaValidator(schema: Data("not xml".utf8)) }
        let badType = String(decoding: Self.schema, as: UTF8.self).replacingOccurrences(of: "xs:decimal", with: "xs:nothing")
        #expect {
            try XMLSchemaValidator(schema: Data(badType.utf8))
        } throws: { error in
            (error as? XMLSchemaError)?.code == .invalidSchema && !((error as? XMLSchemaError)?.issues.isEmpty ?? true)
        }
    }

    @Test func oneValidatorServesConcurrentTasks() async throws {
        let validator = try XMLSchemaValidator(schema: Self.schema)
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let name = index.isMultiple(of: 2) ? "An" : "Too long"
                    return try validator.validate(Data("<PATIENT><NAME>\(name)</NAME></PATIENT>".utf8)).count
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(counts.filter { $0 == 0 }.count == 32)
        #expect(counts.filter { $0 == 1 }.count == 32)
    }
}

@Suite struct XMLSchemaRedactionTests {
    @Test func quotedValuesAreReplacedWholeEvenWithQuotesInside() {
        let message = "Element 'HO_TEN': [facet 'maxLength'] The value 'O'Brien' has a length of '7'; this exceeds the allowed maximum length of '5'.\n"
        #expect(
            XMLSchemaRedaction.redacted(message, values: ["O'Brien"])
                == "Element 'HO_TEN': [facet 'maxLength'] The value '…' has a length of '7'; this exceeds the allowed maximum length of '5'.")
    }

    @Test func collapsedFormIsReplacedAndNamesStay() {
        let message = "Element 'AGE': 'forty two' is not a valid value of the atomic type 'xs:decimal'."
        #expect(
            XMLSchemaRedaction.redacted(message, values: ["  forty\n two "])
                == "Element 'AGE': '…' is not a valid value of the atomic type 'xs:decimal'.")
    }

    @Test func encodingBytesAreCut() {
        let message = "Input is not proper UTF-8, indicate encoding !\nBytes: 0xC3 0x28 0x41 0x3C"
        #expect(
            XMLSchemaRedaction.redacted(message, values: [])
                == "Input is not proper UTF-8, indicate encoding ! Bytes: …")
    }
}
