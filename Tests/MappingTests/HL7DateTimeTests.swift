import Testing
@testable import Mapping

@Suite struct HL7DateTimeTests {
    let vietnam = HL7DateTime.Offset.vietnam

    @Test(arguments: [
        // The FHIR-Converter time zone vectors (corpus: escape_and_datetime_vectors.json), with the
        // local offset that the converter took from its machine given here as +07:00.
        ("200101", "2001-01", "2001-01"),
        ("20010101", "2001-01-01", "2001-01-01"),
        ("2001111112", "2001-11-11", "2001-11-11T12:00:00+07:00"),
        ("200111111223", "2001-11-11", "2001-11-11T12:23:00+07:00"),
        ("20200101010101+0800", "2020-01-01", "2020-01-01T01:01:01+08:00"),
        // More precision, negative and zero offsets, a leap day.
        ("2001", "2001", "2001"),
        ("20240229235959.1234-0330", "2024-02-29", "2024-02-29T23:59:59.1234-03:30"),
        ("20261123083000+0000", "2026-11-23", "2026-11-23T08:30:00+00:00"),
        (" 19900401 ", "1990-04-01", "1990-04-01"),
    ])
    func convertsToFHIR(_ input: String, _ date: String, _ dateTime: String) throws {
        let value = try HL7DateTime(input)
        #expect(value.fhirDate == date)
        #expect(value.fhirDateTime(defaultOffset: vietnam) == dateTime)
    }

    @Test func anInstantNeedsSeconds() throws {
        #expect(try HL7DateTime("200111111223").fhirInstant(defaultOffset: vietnam) == nil)
        #expect(try HL7DateTime("20011111122359").fhirInstant(defaultOffset: vietnam) == "2001-11-11T12:23:59+07:00")
        #expect(try HL7DateTime("20011111122359.5").precision == .fraction)
    }

    @Test(arguments: [
        ("", ConversionError.Code.invalidDateTime),
        ("20011", .invalidDateTime),
        ("2001-01-01", .invalidDateTime),
        ("20010101+07", .invalidDateTime),
        ("200101011200.5", .invalidDateTime),
        ("20011301", .dateTimeOutOfRange),
        ("20230229", .dateTimeOutOfRange),
        ("2001010124", .dateTimeOutOfRange),
        ("200101011260", .dateTimeOutOfRange),
        ("20010101+1500", .dateTimeOutOfRange),
    ])
    func rejectsWhatIsNotADateTime(_ input: String, _ code: ConversionError.Code) {
        #expect(throws: ConversionError.self) { try HL7DateTime(input) }
        do {
            _ = try HL7DateTime(input)
        } catch {
            #expect(error.code == code)
            #expect(!error.message.contains(input) || input.isEmpty, "the message never repeats the value")
        }
    }
}
