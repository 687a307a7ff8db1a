/// Finds one `-----BEGIN label-----` … `-----END label-----` block in PEM text, so a file holding
/// a key and certificates, or a chain, can be read block by block.
import Foundation

enum PEMBlock {
    /// The first block with one of the labels, from its BEGIN line to its END line.
    static func first(in text: String, labels: [String]) -> String? {
        var best: (range: Range<String.Index>, label: String)?
        for label in labels {
            guard let begin = text.range(of: "-----BEGIN \(label)-----") else { continue }
            if best == nil || begin.lowerBound < best!.range.lowerBound { best = (begin, label) }
        }
        guard let best, let end = text.range(of: "-----END \(best.label)-----", range: best.range.upperBound..<text.endIndex)
        else { return nil }
        return String(text[best.range.lowerBound..<end.upperBound])
    }

    /// Every block with the label, in order.
    static func all(in text: String, label: String) -> [String] {
        var blocks: [String] = []
        var rest = text[...]
        while let begin = rest.range(of: "-----BEGIN \(label)-----"),
              let end = rest.range(of: "-----END \(label)-----", range: begin.upperBound..<rest.endIndex) {
            blocks.append(String(rest[begin.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        return blocks
    }

    /// The bytes a block carries (its base64 lines decoded), or `nil` when they are not base64.
    static func der(of block: String) -> [UInt8]? {
        let lines = block.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("-----") && !$0.contains(":") }
        return Data(base64Encoded: lines.joined(), options: .ignoreUnknownCharacters).map { [UInt8]($0) }
    }
}
