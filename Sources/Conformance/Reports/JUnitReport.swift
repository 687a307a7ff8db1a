/// A run as JUnit XML, the format CI systems read: one `testsuite` per suite, one `testcase`
/// per case (`classname` the suite, `name` the case's id), `failure` with the differences and
/// the diff, `skipped` with the reason.
public enum JUnitReport {
    /// The XML document.
    public static func xml(_ results: [CaseResult]) -> String {
        var suites: [String] = []
        for name in results.map(\.suite).uniqued() {
            let cases = results.filter { $0.suite == name }
            let summary = ConformanceSummary(cases)
            let time = cases.reduce(0) { $0 + $1.seconds }
            var lines = [
                "  <testsuite name=\"\(escape(name))\" tests=\"\(cases.count)\" failures=\"\(summary.failed)\" errors=\"0\" skipped=\"\(summary.skipped)\" time=\"\(seconds(time))\">"
            ]
            for result in cases {
                let open = "    <testcase classname=\"\(escape(result.suite))\" name=\"\(escape(result.id))\" time=\"\(seconds(result.seconds))\""
                if result.status == .failed {
                    let firstLine = result.message.split(separator: "\n").first.map(String.init) ?? "failed"
                    var body = result.message
                    if !result.diff.isEmpty { body += "\n\n" + result.diff }
                    lines.append(open + ">")
                    lines.append("      <failure message=\"\(escape(firstLine))\" type=\"\(escape(result.kind))\">\(escape(body))</failure>")
                    lines.append("    </testcase>")
                } else if result.status == .skipped {
                    lines.append(open + ">")
                    lines.append("      <skipped message=\"\(escape(result.message))\"/>")
                    lines.append("    </testcase>")
                } else {
                    lines.append(open + "/>")
                }
            }
            lines.append("  </testsuite>")
            suites.append(lines.joined(separator: "\n"))
        }
        let summary = ConformanceSummary(results)
        let time = results.reduce(0) { $0 + $1.seconds }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites name="lienthong conformance" tests="\(results.count)" failures="\(summary.failed)" errors="0" skipped="\(summary.skipped)" time="\(seconds(time))">
            \(suites.joined(separator: "\n"))
            </testsuites>

            """
    }

    static func seconds(_ value: Double) -> String {
        let milliseconds = Int((value * 1000).rounded())
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }

    /// Text for XML content and attributes; characters XML 1.0 cannot hold become U+FFFD.
    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\n", "\t": result.unicodeScalars.append(scalar)
            case "\r": result += "&#13;"
            default:
                if scalar.value < 0x20 || (0xFFFE...0xFFFF).contains(scalar.value) {
                    result += "\u{FFFD}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}

extension Sequence where Element: Hashable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
