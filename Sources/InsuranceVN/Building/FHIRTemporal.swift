/// The parts of a FHIR `date` or `dateTime` text (`2024`, `2024-03-10`, `2024-03-10T09:15:00+07:00`).
struct FHIRTemporal {
    var year: Int
    var month = 0
    var day = 0
    var hour = 0
    var minute = 0
    /// Seconds east of UTC; `nil` when the text has no offset.
    var offset: Int?

    init?(_ text: String) {
        let bytes = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<(start + count)] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0, 4) else { return nil }
        self.year = year
        var index = 4
        func expect(_ character: Character) -> Bool {
            guard index < bytes.count, bytes[index] == character.asciiValue else { return false }
            index += 1
            return true
        }
        if expect("-") {
            guard let month = number(index, 2), (1...12).contains(month) else { return nil }
            self.month = month
            index += 2
            if expect("-") {
                guard let day = number(index, 2) else { return nil }
                self.day = day
                index += 2
                if expect("T") {
                    guard let hour = number(index, 2), bytes.count > index + 2, bytes[index + 2] == UInt8(ascii: ":"),
                        let minute = number(index + 3, 2)
                    else { return nil }
                    self.hour = hour
                    self.minute = minute
                    index += 5
                    if expect(":") {
                        guard number(index, 2) != nil else { return nil }
                        index += 2
                        if expect(".") { while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 } }
                    }
                    if expect("Z") {
                        offset = 0
                    } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                        let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                        guard let hours = number(index + 1, 2), bytes.count > index + 3, bytes[index + 3] == UInt8(ascii: ":"),
                            let minutes = number(index + 4, 2)
                        else { return nil }
                        offset = sign * (hours * 3600 + minutes * 60)
                        index += 6
                    }
                }
            }
        }
        guard index == bytes.count else { return nil }
    }
}
