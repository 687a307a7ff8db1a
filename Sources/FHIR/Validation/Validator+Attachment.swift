extension Validator.Walk {
    /// An Attachment with both `data` and `size` must state the size of its data (in bytes,
    /// decoded).
    mutating func checkAttachment(_ attachment: Element, path: ElementPath) {
        guard let data = attachment.child(named: "data"), let stated = attachment.childText(named: "size"),
            let size = Int(stated), let actual = Self.decodedLength(data), size != actual
        else { return }
        report(.error, .structure, path, "the stated attachment size \(size) does not match the actual size of its data \(actual)", attachment)
    }

    /// The number of bytes a base64 text decodes to (whitespace ignored).
    static func decodedLength(_ data: Element) -> Int? {
        guard let text = data.value?.text else { return nil }
        var characters = 0
        var padding = 0
        for byte in text.utf8 where byte != 0x20 && byte != 0x0A && byte != 0x0D && byte != 0x09 {
            characters += 1
            if byte == UInt8(ascii: "=") { padding += 1 }
        }
        return characters / 4 * 3 - min(padding, 2)
    }
}
