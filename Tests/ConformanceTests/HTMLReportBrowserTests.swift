import Conformance
import Foundation
import ProcessTesting
import Testing

/// The HTML report opened in a real browser: headless Chromium (Debian's `chromium`) renders it;
/// the DOM it builds must show the summary and the failing case, open, with its diff. Skipped,
/// with the reason, when Chromium is not installed or cannot start here.
@Suite struct HTMLReportBrowserTests {
    /// Chromium's path, when installed.
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Whether Chromium is installed. (Not started to probe it: a blocking start while the
    /// tests are planned holds one of the run's two cooperative threads for as long as Chromium
    /// takes under load; a Chromium that cannot start fails the test instead.)
    static let chromiumRuns: Bool = chromium != nil

    /// Headless, without a sandbox (tests often run as root, where Chromium's sandbox refuses to start).
    static let headless = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"]

    @Test(
        "headless Chromium renders the report and shows the failing case",
        .enabled(if: chromiumRuns, "Chromium is not installed (apt-get install chromium); the report is not checked in a browser"))
    func rendersInChromium() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("report.html")
        try Data(HTMLReport.html(ReportTests.results).utf8).write(to: file)

        let chromium = try #require(Self.chromium)
        let rendered = try await ChildProcess.run(URL(fileURLWithPath: chromium), Self.headless + ["--dump-dom", file.absoluteString])
        #expect(rendered.status == 0)
        let dom = rendered.output
        // The DOM as the browser parsed it: the summary, the failing case open with its diff.
        #expect(dom.contains("1 passed, 1 failed, 1 skipped"))
        #expect(dom.contains("<details class=\"case failed\" id=\"case-demo/fails&lt;&amp;&gt;\" open=\"\">"))
        #expect(dom.contains("entry[1].resource.gender: expected \"male\", got \"female\"") || dom.contains("entry[1].resource.gender: expected &quot;male&quot;"))
        #expect(dom.contains("<span class=\"ins\">+  \"gender\": \"female\"</span>"))

        // And it paints: a screenshot file is written.
        let screenshot = folder.appendingPathComponent("report.png")
        _ = try await ChildProcess.run(
            URL(fileURLWithPath: chromium), Self.headless + ["--screenshot=\(screenshot.path)", "--window-size=1200,900", file.absoluteString])
        let size = (try? FileManager.default.attributesOfItem(atPath: screenshot.path)[.size] as? Int) ?? 0
        #expect(size > 1000, "no screenshot written")
    }
}
