import Foundation
import Testing
@testable import HL7v2

/// The validator on the third-party corpus: it completes on everything, and for a few
/// messages whose problems were checked by reading them, it reports exactly those.
@Suite struct ValidatorCorpusTests {
    typealias Found = ValidatorTests.Found

    /// All HL7 v2 files of the corpus that hold messages.
    static var allFiles: [String] {
        Corpus.files(in: "hl7v2/microsoft-fhir-converter/input", extensions: ["hl7"])
            + Corpus.files(in: "hl7v2/hapi-hl7v2/parser", extensions: ["hl7", "txt"])
            + Corpus.files(in: "hl7v2/hapi-hl7v2/docs-examples", extensions: ["txt"])
            + Corpus.files(in: "hl7v2/hapi-hl7v2/escape-roundtrip", extensions: ["hl7"])
            + Corpus.files(in: "hl7v2/hapi-hl7v2/util", extensions: ["hl7"])
            + Corpus.files(in: "hl7v2/linuxforhealth-hl7v2-fhir-converter", extensions: ["hl7"])
            + Corpus.files(in: "hl7v2/hl7apy", extensions: ["hl7"])
            + Corpus.files(in: "hl7v2/python-hl7", extensions: ["hl7"])
    }

    static func messages(_ path: String) throws -> [Message] {
        Interchange(parsing: try Corpus.bytes(path)).messages
    }

    @Test func wholeCorpusCompletes() throws {
        let files = Self.allFiles
        try #require(files.count > 100, "the corpus is missing")
        let validator = Validator()
        var messages = 0
        var valid = 0
        var conditions: [Int: Int] = [:]
        for file in files {
            for message in try Self.messages(file) {
                messages += 1
                let result = validator.validate(message)
                if result.isValid { valid += 1 }
                for issue in result.errors { conditions[issue.code.condition, default: 0] += 1 }
                // Every issue has a location, and a message that names no value.
                for issue in result.issues {
                    #expect(issue.location.segment != nil || issue.location.segmentIndex != nil || issue.location.byteOffset != nil, "\(file): \(issue)")
                }
            }
        }
        #expect(messages >= 150)
        // Many samples are really non-conformant (see the report); most still are valid or
        // close to it. These bounds catch a validator gone blind or gone wild.
        #expect(valid >= 40 && valid < messages)
        #expect(Set(conditions.keys).isSuperset(of: [100, 101, 102, 103]))
    }

    @Test func everyMicrosoftSampleResolvesItsVersionAndStructure() throws {
        for file in Corpus.files(in: "hl7v2/microsoft-fhir-converter/input", extensions: ["hl7"]) {
            for message in try Self.messages(file) {
                let result = Validator().validate(message)
                #expect(result.version != nil, "\(file)")
                #expect(result.structureID != nil, "\(file)")
            }
        }
    }

    /// Expected errors, checked by reading each message.
    static let expected: [(file: String, errors: [Found])] = [
        // PID-3.5 holds a facility name, not an identifier type (table 0203); MRG-1, DB1-1 and
        // AL1-1 are empty.
        ("hl7v2/microsoft-fhir-converter/input/ADT-A06-01.hl7", [Found(103, "PID-3.5", 4), Found(101, "MRG-1", 8), Found(101, "DB1-1", 14), Found(101, "AL1-1", 16)]),
        // v2.3 ADT_A01 has DG1 before GT1; this message sends GT1 then DG1.
        ("hl7v2/microsoft-fhir-converter/input/ADT01-23.hl7", [Found(100, "DG1", 7)]),
        // No EVN at all.
        ("hl7v2/microsoft-fhir-converter/input/ADT04-251.hl7", [Found(100, "EVN", 2)]),
        // The line break between GT1 and ORC is missing upstream, so ORC's fields land in GT1
        // (GT1-24, a TS, gets an identifier) and the ORDER has no ORC; IN1-13 (DT) holds a
        // date-time with an offset; PRT does not exist in v2.5.1.
        ("hl7v2/microsoft-fhir-converter/input/MDHHS-OML-O21-1.hl7", [
            Found(102, "IN1-13", 4), Found(102, "GT1-24.1", 5), Found(100, "ORC", 6),
            Found(100, "PRT", 8), Found(100, "PRT", 9), Found(100, "PRT", 10), Found(100, "PRT", 11), Found(100, "PRT", 12),
        ]),
        // OBR-23 (MOC) component 1 is MO whose first subcomponent is an NM: the sender put a date there.
        ("hl7v2/microsoft-fhir-converter/input/LAB-ORU-2.hl7", [Found(102, "OBR-23.1.1", 3), Found(102, "OBR-23.1.1", 10)]),
        // The well-known HL7 example with a birth date of 1962-03-52 (nine digits).
        ("hl7v2/python-hl7/sample_hl7.hl7", [Found(102, "PID-7.1", 2)]),
        // PDQ response: QUERY_RESPONSE ends with a required QRI (in hl7apy's 2.5 definitions).
        ("hl7v2/hl7apy/RSP_K21-v25-pdq.hl7", [Found(100, "QRI", 6)]),
        // PV1-2 "ff" is no patient class; PRB is not part of ADT_A01.
        ("hl7v2/linuxforhealth-hl7v2-fhir-converter/sample_unix.hl7", [Found(103, "PV1-2", 4), Found(100, "PRB", 8)]),
        // PV1-2 and IN1-2 are empty.
        ("hl7v2/hapi-hl7v2/docs-examples/ADT_A01.txt", [Found(101, "PV1-2", 4), Found(101, "IN1-2", 6)]),
    ]

    @Test(arguments: 0..<expected.count)
    func checkedCorpusMessages(_ index: Int) throws {
        let (file, errors) = Self.expected[index]
        let messages = try Self.messages(file)
        try #require(messages.count == 1, "\(file)")
        let result = Validator().validate(messages[0])
        #expect(ValidatorTests.errors(result) == errors, "\(file)")
    }

    @Test func hapiExampleBatchMixesValidAndInvalidMessages() throws {
        let messages = try Self.messages("hl7v2/hapi-hl7v2/parser/example_oml_o21.hl7")
        #expect(messages.count == 13)
        let results = messages.map { Validator().validate($0) }
        // OML_O21 messages 1, 2, 5, 7 and ORL_O34 (9) conform.
        for index in [0, 1, 4, 6, 8] {
            #expect(results[index].isValid, "message \(index + 1): \(results[index].issues)")
        }
        // Messages 11 and 12 have neither MSH-7 nor MSH-10.
        for index in [10, 11] {
            let errors = ValidatorTests.errors(results[index])
            #expect(errors.contains(Found(101, "MSH-7", 1)))
            #expect(errors.contains(Found(101, "MSH-10", 1)))
        }
        // The OUL_R22 messages send ORC before OBR and SPM after the order: not the 2.5.1 structure.
        for index in [2, 3, 5, 7] {
            #expect(results[index].structureID == "OUL_R22")
            #expect(results[index].errors.allSatisfy { $0.code == .segmentSequence })
            #expect(!results[index].isValid)
        }
    }
}
