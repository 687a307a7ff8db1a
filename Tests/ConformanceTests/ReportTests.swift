import Conformance
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite struct ReportTests {
    static let results = [
        CaseResult(suite: "demo", id: "passes", kind: "hl7v2", status: .passed, input: "MSH|…", expected: "AA", actual: "AA", duration: .milliseconds(12)),
        CaseResult(
            suite: "demo", id: "fails<&>", kind: "map", summary: "a golden with a changed gender", status: .failed,
            message: "entry[1].resource.gender: expected \"male\", got \"female\"", input: "MSH|^~\\&|…", expected: "{\"gender\": \"male\"}",
            actual: "{\"gender\": \"female\"}", diff: "-  \"gender\": \"male\"\n+  \"gender\": \"female\"", duration: .milliseconds(1500)),
        CaseResult(suite: "other", id: "skips", kind: "map", status: .skipped, message: "needs local access: checks LienThong's own mapper"),
    ]

    @Test("the summary line counts passed, failed and skipped")
    func summary() {
        #expect(ConformanceSummary(Self.results).description == "1 passed, 1 failed, 1 skipped")
        #expect(!ConformanceSummary(Self.results).allPassed)
    }

    @Test("JUnit XML: one testsuite per suite, failures with message and diff, skipped with the reason")
    func junit() throws {
        let xml = JUnitReport.xml(Self.results)
        let document = try XMLDocument(data: Data(xml.utf8))
        let root = try #require(document.rootElement())
        #expect(root.name == "testsuites")
        #expect(root.attribute(forName: "tests")?.stringValue == "3")
        #expect(root.attribute(forName: "failures")?.stringValue == "1")
        #expect(root.attribute(forName: "skipped")?.stringValue == "1")
        let suites = root.elements(forName: "testsuite")
        #expect(suites.map { $0.attribute(forName: "name")?.stringValue } == ["demo", "other"])
        let failing = try #require(suites[0].elements(forName: "testcase").first { $0.attribute(forName: "name")?.stringValue == "fails<&>" })
        #expect(failing.attribute(forName: "time")?.stringValue == "1.500")
        let failure = try #require(failing.elements(forName: "failure").first)
        #expect(failure.attribute(forName: "message")?.stringValue?.contains("expected \"male\"") == true)
        #expect(failure.stringValue?.contains("+  \"gender\": \"female\"") == true)
        #expect(suites[1].elements(forName: "testcase").first?.elements(forName: "skipped").first?.attribute(forName: "message")?.stringValue?.contains("needs local access") == true)
    }

    @Test("the HTML report is one file with the summary, each case, and the failing case open with its diff")
    func html() {
        let html = HTMLReport.html(Self.results)
        #expect(html.contains("1 passed, 1 failed, 1 skipped"))
        #expect(html.contains("id=\"case-demo/fails&lt;&amp;&gt;\" open"))
        #expect(html.contains("<span class=\"del\">-  &quot;gender&quot;: &quot;male&quot;</span>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("fails<&>"))
    }
}
