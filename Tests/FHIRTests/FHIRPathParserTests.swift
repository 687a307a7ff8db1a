@testable import FHIR
import Foundation
import Testing

@Suite("FHIRPath parsing")
struct FHIRPathParserTests {
    typealias T = FHIRPathTesting

    @Test("literals: booleans, strings with escapes, integers, decimals, quantities, dates and times")
    func literals() throws {
        #expect(try T.evaluate("true") == [.boolean(true)])
        #expect(try T.evaluate("{}") == [])
        #expect(try T.evaluate(#"'it\'s \u00e9\t\\'"#) == [.string("it's é\t\\")])
        #expect(try T.evaluate("42") == [.integer(42)])
        #expect(try T.evaluate("-42") == [.integer(-42)])
        #expect(try T.evaluate("3.50") == [.decimal(Decimal(string: "3.5")!)])
        #expect(try T.evaluate("4 'mg'") == [.quantity(FHIRPathQuantity(value: 4, unit: "mg"))])
        #expect(try T.evaluate("3 days") == [.quantity(FHIRPathQuantity(value: 3, unit: "days"))])
        #expect(try T.texts("@2020-01-01T10:00:00+07:00") == ["2020-01-01T10:00:00+07:00"])
        #expect(try T.evaluate("@2020") == [.date(FHIRPathTemporal(year: 2020))])
        #expect(try T.evaluate("@2020-03") == [.date(FHIRPathTemporal(year: 2020, month: 3))])
        #expect(try T.evaluate("@2015T") == [.dateTime(FHIRPathTemporal(year: 2015))])
        #expect(try T.evaluate("@2020-01-01T10:00:00.123Z") == [
            .dateTime(FHIRPathTemporal(year: 2020, month: 1, day: 1, hour: 10, minute: 0, second: 0, fraction: "123", offset: 0))
        ])
        #expect(try T.evaluate("@T12:00") == [.time(FHIRPathTemporal(hour: 12, minute: 0))])
        #expect(try T.evaluate("@T12") == [.time(FHIRPathTemporal(hour: 12))])
    }

    @Test("identifiers: delimited, keywords as names after a dot, special and external names")
    func identifiers() throws {
        let patient = T.patient
        #expect(try T.texts("Patient.`gender`", on: patient) == ["male"])
        #expect(try T.texts("text.`div`.exists()", on: patient) == ["true"])
        #expect(try T.evaluate("name.given.where($this = 'Jim').count()", on: patient) == [.integer(1)])
        #expect(try T.evaluate("name.select($index)", on: patient) == [.integer(0), .integer(1), .integer(2)])
        #expect(try T.texts("%ucum") == ["http://unitsofmeasure.org"])
        #expect(try T.texts("%`vs-administrative-gender`") == ["http://hl7.org/fhir/ValueSet/administrative-gender"])
        #expect(try T.texts("%vs-administrative-gender") == ["http://hl7.org/fhir/ValueSet/administrative-gender"])
        #expect(try T.texts("%ext-patient-birthTime.length()") == ["57"])
        #expect(try T.texts(#"%"vs-marital-status""#) == ["http://hl7.org/fhir/ValueSet/marital-status"])
        #expect(try T.texts("%'ext-patient-birthTime'") == ["http://hl7.org/fhir/StructureDefinition/patient-birthTime"])
        // Comments.
        #expect(try T.evaluate("1 + /* two */ 2 // the sum") == [.integer(3)])
    }

    @Test("precedence follows the specification", arguments: [
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("-2.abs()", "-2"),
        ("10 - 4 - 3", "3"),
        ("7 div 2 * 2", "6"),
        ("1 + 1 = 2", "true"),
        ("2 < 3 = true", "true"),
        ("'a' & 'b' = 'ab'", "true"),
        ("true or false and false", "true"),
        ("false and false implies true", "true"),
        ("false implies false implies false", "true"),
        ("true xor true or true", "true"),
        ("1 | 2 | 1 = (1 | 2)", "true"),
        ("1 in (1 | 2) and 3 in (1 | 2)", "false"),
        ("(1 | 2) contains 2", "true"),
        ("1 + 1 is Integer", "true"),
        ("(2 | 3 is Integer).count()", "2"),
    ])
    func precedence(expression: String, expected: String) throws {
        #expect(try T.texts(expression) == [expected], "\(expression)")
    }

    @Test("syntax errors carry a code and the character offset", arguments: [
        ("1 +", FHIRPathError.Code.unexpectedEnd, 3),
        ("name.", .unexpectedEnd, 5),
        ("'open", .invalidLiteral, 0),
        ("a.b(", .unexpectedEnd, 4),
        ("x ! y", .syntax, 2),
        ("foo()", .unknownFunction, 0),
        ("name.nope(1)", .unknownFunction, 5),
        ("name.where()", .invalidArguments, 5),
        ("substring(1, 2, 3)", .invalidArguments, 0),
        ("@2020-13-01", .invalidLiteral, 0),
        ("1 2", .syntax, 2),
        ("(1", .unexpectedEnd, 2),
        ("ofType('x')", .invalidArguments, 7),
        ("'é' = é", .syntax, 6),
        ("matches('[')", .invalidRegex, 8),
        ("`delimited", .invalidLiteral, 0),
    ])
    func syntaxErrors(expression: String, code: FHIRPathError.Code, offset: Int) {
        let error = #expect(throws: FHIRPathError.self) { try FHIRPath(expression) }
        #expect(error?.code == code, "\(expression)")
        #expect(error?.offset == offset, "\(expression)")
    }

    @Test("an error's description names the problem and offset, not data values")
    func errorDescription() throws {
        let patient = T.patient
        let error = try #require(T.error("name.given.single()", on: patient))
        #expect(error.code == .singletonExpected)
        #expect(!error.description.contains("Peter"))
        #expect(error.description.hasPrefix("singleton-expected at offset 11"))
    }
}
