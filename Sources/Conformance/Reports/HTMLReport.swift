/// A run as one self-contained HTML file (no scripts, no external files) a person can open: the
/// summary, then per suite a table of cases; each case opens to its input, expectation, actual
/// result and diff. Failed cases come first in each suite and are open.
public enum HTMLReport {
    /// The HTML document.
    public static func html(_ results: [CaseResult], title: String = "LienThong conformance report", target: String = "local") -> String {
        let summary = ConformanceSummary(results)
        var body = """
            <h1>\(escape(title))</h1>
            <p class="summary \(summary.allPassed ? "ok" : "bad")" id="summary">\(escape(summary.description))</p>
            <p class="meta">target: \(escape(target))</p>

            """
        for suite in results.map(\.suite).uniqued() {
            let cases = results.filter { $0.suite == suite }
            let order: [CaseResult.Status] = [.failed, .passed, .skipped]
            let sorted = cases.sorted { (order.firstIndex(of: $0.status) ?? 3) < (order.firstIndex(of: $1.status) ?? 3) }
            body += "<section class=\"suite\" id=\"suite-\(escape(suite))\">\n<h2>\(escape(suite)) <small>\(escape(ConformanceSummary(cases).description))</small></h2>\n"
            for result in sorted {
                body += caseHTML(result)
            }
            body += "</section>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(escape(title))</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
            .summary { font-size: 1.3em; font-weight: bold; padding: .4em .8em; display: inline-block; border-radius: 4px; }
            .summary.ok { background: #dff5df; } .summary.bad { background: #fbe0e0; }
            .meta { color: #666; }
            details { border: 1px solid #ddd; border-radius: 4px; margin: .3em 0; }
            details > summary { padding: .3em .6em; cursor: pointer; }
            details.failed > summary { background: #fbe0e0; } details.passed > summary { background: #eef8ee; }
            details.skipped > summary { background: #f2f2f2; color: #666; }
            .status { font-weight: bold; display: inline-block; width: 5em; }
            .kind, .time { color: #666; font-size: .9em; }
            .panes { display: grid; grid-template-columns: repeat(auto-fit, minmax(28em, 1fr)); gap: .6em; padding: .6em; }
            h4 { margin: .2em 0; }
            pre { background: #f7f7f7; padding: .5em; overflow: auto; max-height: 30em; margin: 0; font-size: .85em; white-space: pre-wrap; word-break: break-all; }
            pre.message { background: #fff4f4; }
            .del { background: #fdd; } .ins { background: #dfd; }
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    static func caseHTML(_ result: CaseResult) -> String {
        let status = result.status.name
        var html = "<details class=\"case \(status)\" id=\"case-\(escape(result.name))\"\(result.status == .failed ? " open" : "")>\n"
        html += "<summary><span class=\"status\">\(status.uppercased())</span> \(escape(result.id)) "
            + "<span class=\"kind\">\(escape(result.kind))</span> <span class=\"time\">\(HL7v2Exchange.milliseconds(result.duration)) ms</span>"
            + (result.summary.map { " — \(escape($0))" } ?? "") + "</summary>\n"
        if !result.message.isEmpty {
            html += "<pre class=\"message\">\(escape(result.message))</pre>\n"
        }
        if result.status != .skipped {
            html += "<div class=\"panes\">\n"
            html += pane("Input", result.input) + pane("Expected", result.expected) + pane("Actual", result.actual)
            if !result.diff.isEmpty {
                let lines = result.diff.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                    let text = escape(String(line))
                    if line.hasPrefix("-") { return "<span class=\"del\">\(text)</span>" }
                    if line.hasPrefix("+") { return "<span class=\"ins\">\(text)</span>" }
                    return text
                }
                html += "<div><h4>Diff (− expected, + actual)</h4><pre class=\"diff\">\(lines.joined(separator: "\n"))</pre></div>\n"
            }
            html += "</div>\n"
        }
        return html + "</details>\n"
    }

    static func pane(_ title: String, _ text: String) -> String {
        "<div><h4>\(title)</h4><pre>\(escape(text.isEmpty ? "—" : text))</pre></div>\n"
    }

    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\r": result += "\n"
            default: result.append(character)
            }
        }
        return result
    }
}
