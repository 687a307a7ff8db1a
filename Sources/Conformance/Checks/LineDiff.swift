/// A line diff of two texts (longest common subsequence), written as `-` expected and `+` actual
/// lines with three lines of context around each change; `…` stands for unchanged lines left out.
enum LineDiff {
    static func unified(expected: String, actual: String, context: Int = 3) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard old != new else { return "" }
        // Beyond this size the quadratic table is too large: show both sides' first lines.
        guard old.count * new.count <= 4_000_000 else {
            return (old.prefix(50).map { "-" + $0 } + ["…"] + new.prefix(50).map { "+" + $0 } + ["…"]).joined(separator: "\n")
        }
        var lengths = [[Int32]](repeating: [Int32](repeating: 0, count: new.count + 1), count: old.count + 1)
        for i in stride(from: old.count - 1, through: 0, by: -1) {
            for j in stride(from: new.count - 1, through: 0, by: -1) {
                lengths[i][j] = old[i] == new[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var lines: [(mark: Character, text: String)] = []
        var i = 0
        var j = 0
        while i < old.count || j < new.count {
            if i < old.count && j < new.count && old[i] == new[j] {
                lines.append((" ", old[i])); i += 1; j += 1
            } else if i < old.count && (j == new.count || lengths[i + 1][j] >= lengths[i][j + 1]) {
                lines.append(("-", old[i])); i += 1
            } else {
                lines.append(("+", new[j])); j += 1
            }
        }
        let changed = lines.indices.filter { lines[$0].mark != " " }
        var shown = Set<Int>()
        for index in changed {
            for near in max(0, index - context)...min(lines.count - 1, index + context) { shown.insert(near) }
        }
        var output: [String] = []
        var skipped = false
        for (index, line) in lines.enumerated() {
            if shown.contains(index) {
                output.append("\(line.mark)\(line.text)")
                skipped = false
            } else if !skipped {
                output.append("…")
                skipped = true
            }
        }
        return output.joined(separator: "\n")
    }
}
