import Testing
@testable import Mapping

@Suite struct HL7DateTimeFHIRTests {
    @Test func fhirDatesAndTimesKeepTheirPrecisionAndOffset() throws {
        #expect(try HL7DateTime(fhir: "1974").hl7 == "1974")
        #expect(try HL7DateTime(fhir: "1974-12").hl7 == "197412")
        #expect(try HL7DateTime(fhir: "1974-12-25").hl7 == "19741225")
        #expect(try HL7DateTime(fhir: "2011-03-04T08:30:00+11:00").hl7 == "20110304083000+1100")
        #expect(try HL7DateTime(fhir: "2011-03-04T08:30:00-03:30").hl7 == "20110304083000-0330")
        #expect(try HL7DateTime(fhir: "2011-03-04T08:30:00Z").hl7 == "20110304083000+0000")
        #expect(try HL7DateTime(fhir: "2011-03-04T08:30:00.5+07:00").hl7 == "20110304083000.5+0700")
        #expect(try HL7DateTime(fhir: "2011-03-04T08:30:00.123456+07:00").hl7 == "20110304083000.1234+0700", "v2 keeps 4 digits")
        #expect(try HL7DateTime(fhir: "2011-03-04T08:30:00+07:00").hl7Date == "20110304")
    }

    @Test func whatIsNotAFHIRDateTimeIsAnError() {
        for text in ["", "74", "1974-1", "1974-13", "1974-02-30", "2011-03-04T08:30+07:00", "2011-03-04T08:30:00", "2011-03-04 08:30:00Z", "2011-03-04T25:00:00Z", "1974-12-25x"] {
            #expect(throws: ConversionError.self, "\(text)") { try HL7DateTime(fhir: text) }
        }
    }

    @Test func aVocabularyIsReadBackwards() throws {
        let library = try MappingLibrary(folder: VocabularyMapTests.mappings)
        let gender = try #require(library.vocabularies["v2-0001-administrative-gender"])
        #expect(gender.source(of: "female")?.code == "F")
        #expect(gender.source(of: "other")?.code == "O", "O is equivalent; A and N are wider")
        #expect(gender.source(of: "no-such-code") == nil, "fixed unmapped says nothing about the way back")
        let encounterClass = try #require(library.vocabularies["v2-0004-encounter-class"])
        #expect(encounterClass.source(of: "AMB")?.code == "O")
        #expect(encounterClass.source(of: "PRENC")?.code == "P")
        #expect(encounterClass.source(of: "AMB", system: "http://example.org/other") == nil)
        let status = try #require(library.vocabularies["v2-0085-observation-status"])
        #expect(status.source(of: "entered-in-error")?.code == "D", "the first of two equivalents")
    }
}
