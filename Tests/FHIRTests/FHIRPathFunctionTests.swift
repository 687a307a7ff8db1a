@testable import FHIR
import Foundation
import Synchronization
import Testing

@Suite("FHIRPath functions")
struct FHIRPathFunctionTests {
    typealias T = FHIRPathTesting

    static func check(_ cases: [(String, [String])], on input: Element? = nil) throws {
        for (expression, expected) in cases {
            #expect(try T.texts(expression, on: input) == expected, "\(expression)")
        }
    }

    @Test("existence")
    func existence() throws {
        try Self.check([
            ("{}.empty()", ["true"]), ("(1 | 2).exists()", ["true"]), ("(1 | 2).exists($this > 2)", ["false"]),
            ("(1 | 2).all($this > 0)", ["true"]), ("{}.all($this > 0)", ["true"]), ("(1 | 2).all($this > 1)", ["false"]),
            ("(true | false).allTrue()", ["false"]), ("(true | false).anyTrue()", ["true"]), ("{}.allFalse()", ["true"]),
            ("(false | true).anyFalse()", ["true"]), ("(1 | 2).subsetOf(1 | 2 | 3)", ["true"]), ("(1 | 4).subsetOf(1 | 2)", ["false"]),
            ("(1 | 2 | 3).supersetOf(2)", ["true"]), ("(1 | 2).combine(1).count()", ["3"]), ("(1 | 2).combine(1).distinct().count()", ["2"]),
            ("(1 | 2).combine(1).isDistinct()", ["false"]), ("(1 | 2).isDistinct()", ["true"]),
        ])
    }

    @Test("filtering, projection, subsetting and combining")
    func filtering() throws {
        try Self.check([
            ("(1 | 2 | 3).where($this > 1)", ["2", "3"]), ("(1 | 2 | 3).select($this * 10)", ["10", "20", "30"]),
            ("(1 | 2 | 3).where($index = 1)", ["2"]), ("(1 | 'a' | 2.5).ofType(Integer)", ["1"]),
            ("(1 | 'a').ofType(System.String)", ["a"]), ("5.single()", ["5"]), ("{}.single()", []),
            ("(1 | 2 | 3).first()", ["1"]), ("(1 | 2 | 3).last()", ["3"]), ("(1 | 2 | 3).tail()", ["2", "3"]),
            ("(1 | 2 | 3).skip(2)", ["3"]), ("(1 | 2 | 3).take(2)", ["1", "2"]), ("(1 | 2 | 3).intersect(2 | 3 | 4)", ["2", "3"]),
            ("(1 | 2 | 3).exclude(2)", ["1", "3"]), ("(1 | 2).union(2 | 3)", ["1", "2", "3"]),
            ("(1 | 2 | 3).aggregate($this + $total, 0)", ["6"]), ("(1 | 2 | 3).aggregate(iif($total.empty(), $this, iif($this > $total, $this, $total)))", ["3"]),
        ])
        #expect(T.error("(1 | 2).single()")?.code == .singletonExpected)
        // repeat: the transitive closure, each item once.
        let questionnaire = try T.example("questionnaire-example.json")
        let direct = try T.evaluate("item.linkId", on: questionnaire).count
        let all = try T.evaluate("repeat(item).linkId", on: questionnaire).count
        #expect(all > direct)
        #expect(try T.evaluate("descendants().linkId.count() = repeat(item).linkId.count()", on: questionnaire) == [.boolean(true)])
    }

    @Test("iif and boolean conversions")
    func conversions() throws {
        try Self.check([
            ("iif(true, 'a', 'b')", ["a"]), ("iif({}, 'a', 'b')", ["b"]), ("iif(false, 'a')", []),
            ("'yes'.toBoolean()", ["true"]), ("'N'.toBoolean()", ["false"]), ("'maybe'.convertsToBoolean()", ["false"]),
            ("1.0.toBoolean()", ["true"]), ("'-12'.toInteger()", ["-12"]), ("'1.5'.toInteger()", []), ("true.toInteger()", ["1"]),
            ("'1.50'.toDecimal() = 1.5", ["true"]), ("'abc'.convertsToDecimal()", ["false"]), ("1.5.toString()", ["1.5"]),
            ("@2020-01-02.toString()", ["2020-01-02"]), ("(4 'mg').toString()", ["4 'mg'"]), ("'2020-02'.toDate()", ["2020-02"]),
            ("'2020-02-30'.convertsToDate()", ["false"]), ("'2020-01-02T10:00:00Z'.toDateTime()", ["2020-01-02T10:00:00Z"]),
            ("@2020-01-02.toDateTime() = @2020-01-02T", ["true"]), ("'10:30'.toTime()", ["10:30"]),
            ("'4 \\'mg\\''.toQuantity() = 4 'mg'", ["true"]), ("'3 days'.toQuantity()", ["3 days"]), ("5.toQuantity()", ["5 '1'"]),
            ("(1 'g').toQuantity('mg')", ["1000 'mg'"]), ("(1 'g').convertsToQuantity('m')", ["false"]),
            ("'x'.toQuantity()", []), ("{}.toInteger()", []),
        ])
    }

    @Test("strings")
    func strings() throws {
        try Self.check([
            ("'abcdef'.indexOf('cd')", ["2"]), ("'abc'.indexOf('x')", ["-1"]), ("'abc'.indexOf('')", ["0"]),
            ("'abcdef'.substring(2)", ["cdef"]), ("'abcdef'.substring(2, 2)", ["cd"]), ("'abc'.substring(5)", []),
            ("'abc'.startsWith('ab')", ["true"]), ("'abc'.endsWith('bc')", ["true"]), ("'abc'.contains('d')", ["false"]),
            ("'aBc'.upper()", ["ABC"]), ("'aBc'.lower()", ["abc"]), ("'a.b.c'.replace('.', '-')", ["a-b-c"]),
            ("'abc'.replace('', 'x')", ["xaxbxcx"]), ("'Ab1'.matches('^[A-Z][a-z][0-9]$')", ["true"]),
            ("'x Ab1 y'.matches('[A-Z]')", ["true"]), ("'abc'.matches('^b')", ["false"]),
            ("'a1b22'.replaceMatches('[0-9]+', '#')", ["a#b#"]), ("'John Smith'.replaceMatches('(\\\\w+) (\\\\w+)', '$2, $1')", ["Smith, John"]),
            ("'héllo'.length()", ["5"]), ("'ab'.toChars()", ["a", "b"]), ("'a,b,,c'.split(',')", ["a", "b", "", "c"]),
            ("('a' | 'b').join('-')", ["a-b"]), ("'  a b  '.trim()", ["a b"]), ("{}.upper()", []),
            ("'abcabc'.lastIndexOf('bc')", ["4"]),
        ])
        #expect(T.error("1.upper()")?.code == .typeMismatch)
        #expect(T.error("'a'.matches('(')")?.code == .invalidRegex)
        // A pattern that is not a literal is compiled when evaluated.
        #expect(T.error("'a'.matches('(' + '')")?.code == .invalidRegex)
    }

    @Test("math")
    func math() throws {
        try Self.check([
            ("(-5).abs()", ["5"]), ("(-5.5).abs()", ["5.5"]), ("(-5.5 'mg').abs()", ["5.5 'mg'"]), ("1.1.ceiling()", ["2"]),
            ("(-1.1).ceiling()", ["-1"]), ("1.9.floor()", ["1"]), ("(-1.1).floor()", ["-2"]), ("(-1.9).truncate()", ["-1"]),
            ("3.14159.round(3)", ["3.142"]), ("2.5.round()", ["3"]), ("16.sqrt()", ["4"]), ("(-1).sqrt()", []),
            ("2.power(10)", ["1024"]), ("100.log(10)", ["2"]), ("0.ln()", []), ("1.exp()", ["2.718281828459045"]),
            ("1.ln()", ["0"]),
        ])
        #expect(try T.evaluate("2.power(3)") == [.integer(8)])
        #expect(try T.evaluate("1.5.floor()") == [.integer(1)])
    }

    @Test("tree navigation, utility functions and the clock")
    func utility() throws {
        let patient = T.patient
        #expect(try T.evaluate("children().count() > 5", on: patient) == [.boolean(true)])
        #expect(try T.evaluate("descendants().where($this is HumanName).count()", on: patient) == [.integer(4)])
        #expect(try T.evaluate("descendants().ofType(date).count()", on: patient) == [.integer(1)])
        let traced = TraceLog()
        var environment = FHIRPathEnvironment()
        environment.trace = { name, values in traced.append(name, values.count) }
        #expect(try T.texts("name.trace('names').given.trace('given', $this.length()).first()", on: patient, environment: environment) == ["Peter"])
        #expect(traced.entries == ["names 3", "given 5"])

        environment.now = Date(timeIntervalSince1970: 1_700_000_000.25)  // 2023-11-14T22:13:20.250Z
        environment.timeZoneOffset = 7 * 3600
        #expect(try T.texts("now()", environment: environment) == ["2023-11-15T05:13:20.250+07:00"])
        #expect(try T.texts("today()", environment: environment) == ["2023-11-15"])
        #expect(try T.texts("timeOfDay()", environment: environment) == ["05:13:20.250"])
        #expect(try T.evaluate("now() > @2023-11-14T22:00:00Z and today() = @2023-11-15", environment: environment) == [.boolean(true)])
        #expect(try T.evaluate("today() - 1 day < today()") == [.boolean(true)])
    }
}

/// What `trace` received, for the tests.
final class TraceLog: Sendable {
    private let log = Mutex<[String]>([])

    func append(_ name: String, _ count: Int) { log.withLock { $0.append("\(name) \(count)") } }

    var entries: [String] { log.withLock { $0 } }
}
