extension Acknowledgment {
    /// What an acknowledgment needs from the message it answers: delimiters, character set and
    /// the raw bytes of the header fields it copies. Read from a parsed ``Message`` or, best
    /// effort, from bytes that did not parse.
    struct Original {
        var encoding = EncodingCharacters.standard
        var characterSet = CharacterSet.utf8
        /// Whether MSH-18 names a supported set and is copied.
        var copiesCharacterSet = false
        /// Raw ER7 bytes of MSH-n, by HL7 field number (3 and up).
        var fields: [Int: [UInt8]] = [:]
        /// MSH-12.1.
        var version: String?
        /// MSH-9.2.
        var event: String?
        /// The mode MSH-15/MSH-16 ask for.
        var mode = Mode.original
        /// The message, to turn segment positions into occurrences.
        var message: Message?

        static let copiedFields = [3, 4, 5, 6, 10, 11, 12, 18]

        init(message: Message) {
            self.message = message
            encoding = message.encodingCharacters
            characterSet = message.characterSet
            if let msh = message.segment("MSH") {
                for n in Self.copiedFields {
                    if let field = msh.field(n), !field.isEmpty { fields[n] = Array(field.bytes) }
                }
            }
            copiesCharacterSet = fields[18] != nil
            version = message.version
            event = message.triggerEvent
            mode = message.acknowledgmentMode
        }

        init(unparsed bytes: [UInt8]) {
            let n = bytes.count
            var i = Message.skipPreamble(bytes)
            var lineStart: Int? = nil
            while i < n {
                if i + 3 <= n, bytes[i] == UInt8(ascii: "M"), bytes[i + 1] == UInt8(ascii: "S"), bytes[i + 2] == UInt8(ascii: "H") {
                    lineStart = i
                    break
                }
                while i < n, bytes[i] != 0x0D, bytes[i] != 0x0A { i += 1 }
                while i < n, bytes[i] == 0x0D || bytes[i] == 0x0A { i += 1 }
            }
            guard let start = lineStart, start + 3 < n, bytes[start + 3] != 0x0D, bytes[start + 3] != 0x0A else { return }
            var end = start
            while end < n, bytes[end] != 0x0D, bytes[end] != 0x0A { end += 1 }
            let separator = bytes[start + 3]
            let parts = bytes[start..<end].split(separator: separator, omittingEmptySubsequences: false)
            switch EncodingCharacters.read(field: separator, msh2: parts.count > 1 ? parts[1] : []) {
            case .success(let reading):
                encoding = reading.characters
            case .failure:
                guard separator == EncodingCharacters.standard.field else { return }
                encoding = .standard
            }
            for number in Self.copiedFields + [9, 15, 16] where number - 1 < parts.count && !parts[number - 1].isEmpty {
                fields[number] = Array(parts[number - 1])
            }
            if let name = leaf(18, component: 1), let known = CharacterSet(named: name) {
                characterSet = known
                copiesCharacterSet = true
            }
            version = leaf(12, component: 1)
            event = leaf(9, component: 2)
            mode = fields[15] != nil || fields[16] != nil ? .enhanced : .original
        }

        /// The unescaped text of MSH-`field`, first repetition, component `component`, first
        /// subcomponent.
        private func leaf(_ field: Int, component: Int) -> String? {
            guard let raw = fields[field] else { return nil }
            let repetition = raw.split(separator: encoding.repetition, omittingEmptySubsequences: false)[0]
            let components = repetition.split(separator: encoding.component, omittingEmptySubsequences: false)
            guard component <= components.count else { return nil }
            let value = components[component - 1].split(separator: encoding.subcomponent, omittingEmptySubsequences: false)[0]
            let text = Array(value).withUnsafeBufferPointer {
                EscapeSequence.unescape($0, encoding: encoding, characterSet: characterSet)
            }
            return text.isEmpty ? nil : text
        }
    }

    /// Writes an acknowledgment as ER7 and parses it.
    struct Writer {
        let original: Original
        let encoding: EncodingCharacters
        let characterSet: CharacterSet
        let version: [Int]

        init(original: Original) {
            self.original = original
            self.encoding = original.encoding
            self.characterSet = original.characterSet
            self.version = Writer.versionNumber(original.version) ?? [2, 5]
        }

        func build(code: Code, issues: [Issue], text: String?, controlID: String, timestamp: String) -> Message {
            let bytes = encode(code: code, issues: issues, text: text, controlID: controlID, timestamp: timestamp)
            do {
                return try Message(bytes)
            } catch {
                // Unreachable: every value is escaped. Answer with a bare reject rather
                // than stopping a listener.
                assertionFailure("a built acknowledgment does not parse: \(error)")
                return Writer.bareReject
            }
        }

        /// The acknowledgment as ER7 bytes, CR after every segment.
        func encode(code: Code, issues: [Issue], text: String?, controlID: String, timestamp: String) -> [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(256)
            // MSH, from MSH-3 on.
            var msh: [[UInt8]] = [
                copy(5), copy(6), copy(3), copy(4),
                escape(timestamp),
                [],
                messageType(),
                escape(controlID),
                copy(11),
                copy(12),
            ]
            if original.copiesCharacterSet, let raw = original.fields[18] {
                let first = raw.split(separator: encoding.repetition, omittingEmptySubsequences: false)[0]
                msh += [[], [], [], [], [], reencode(Array(first))]
            }
            bytes += Array("MSH".utf8) + [encoding.field] + encoding.msh2
            append(msh, to: &bytes)

            // MSA
            var msa: [[UInt8]] = [escape(code.rawValue), copy(10)]
            if let text, !text.isEmpty, version.lexicographicallyPrecedes([2, 7]) {
                msa.append(escape(text))
            }
            if !version.lexicographicallyPrecedes([2, 2]), version.lexicographicallyPrecedes([2, 5]),
                let first = issues.first(where: { Acknowledgment.isError($0.severity) })
            {
                while msa.count < 5 { msa.append([]) }
                msa.append(codedCondition(first.code.condition, separator: encoding.component))
            }
            bytes += Array("MSA".utf8)
            append(msa, to: &bytes)

            // ERR, one per issue.
            let current = !version.lexicographicallyPrecedes([2, 5])
            for issue in issues {
                bytes += Array("ERR".utf8)
                append(current ? currentERR(issue) : olderERR(issue), to: &bytes)
            }
            return bytes
        }

        /// `MSH|^~\&|||||||ACK|||2.5` + `MSA|AR`, for a build that should never fail.
        static let bareReject: Message = {
            do {
                return try Message("MSH|^~\\&|||||||ACK|||2.5\rMSA|AR\r")
            } catch {
                preconditionFailure("the bare reject acknowledgment does not parse: \(error)")
            }
        }()

        /// ERR in the v2.5+ layout: ERR-2 location, ERR-3 condition, ERR-4 severity, ERR-5 the
        /// code's name, ERR-7 positions, ERR-8 the message.
        private func currentERR(_ issue: Issue) -> [[UInt8]] {
            var fields: [[UInt8]] = Array(repeating: [], count: 8)
            if let place = segmentAndOccurrence(issue.location) {
                var erl: [[UInt8]] = [escape(place.segment), escape(String(place.occurrence))]
                let location = issue.location
                for part in [location.field, location.repetition, location.component, location.subcomponent] {
                    erl.append(part.map { escape(String($0)) } ?? [])
                }
                fields[1] = join(erl, encoding.component)
            }
            fields[2] = codedCondition(issue.code.condition, separator: encoding.component)
            fields[3] = escape(issue.severity.rawValue)
            fields[4] = escape(issue.code.name)
            let location = issue.location
            if location.segmentIndex != nil || location.byteOffset != nil || location.line != nil {
                fields[6] = escape(location.description)
            }
            fields[7] = escape(issue.message)
            return fields
        }

        /// ERR in the v2.2–v2.4 layout: ERR-1 = segment ID ^ occurrence ^ field ^ condition (CE).
        private func olderERR(_ issue: Issue) -> [[UInt8]] {
            var eld: [[UInt8]] = [[], [], []]
            if let place = segmentAndOccurrence(issue.location) {
                eld[0] = escape(place.segment)
                eld[1] = escape(String(place.occurrence))
                eld[2] = issue.location.field.map { escape(String($0)) } ?? []
            }
            eld.append(codedCondition(issue.code.condition, separator: encoding.subcomponent))
            return [join(eld, encoding.component)]
        }

        /// `code ^ text ^ HL70357` with the given separator (component for a field, subcomponent
        /// inside ELD).
        private func codedCondition(_ condition: Int, separator: UInt8) -> [UInt8] {
            join([escape(String(condition)), escape(Acknowledgment.conditionText(condition) ?? ""), escape("HL70357")], separator)
        }

        /// The segment ID of a location and which occurrence of that ID it is; `nil` when the
        /// location names no usable segment.
        private func segmentAndOccurrence(_ location: Location) -> (segment: String, occurrence: Int)? {
            var id = location.segment
            if id == nil, let index = location.segmentIndex, let message = original.message, index >= 1, index <= message.segmentCount {
                id = message.segmentID(at: index - 1)
            }
            guard let id, id.utf8.count == 3,
                id.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) })
            else { return nil }
            var occurrence = 1
            if let index = location.segmentIndex, let message = original.message, index >= 1, index <= message.segmentCount,
                message.segment(at: index - 1, hasID: id)
            {
                occurrence = (0..<index).count(where: { message.segment(at: $0, hasID: id) })
            }
            return (id, occurrence)
        }

        /// `ACK^<event>^ACK`; `ACK^<event>` before v2.3.1; `ACK` without an event.
        private func messageType() -> [UInt8] {
            guard let event = original.event else { return escape("ACK") }
            var parts = [escape("ACK"), escape(event)]
            if !version.lexicographicallyPrecedes([2, 3, 1]) { parts.append(escape("ACK")) }
            return join(parts, encoding.component)
        }

        /// MSH-`n` of the original, re-escaped.
        private func copy(_ n: Int) -> [UInt8] {
            original.fields[n].map(reencode) ?? []
        }

        /// Re-escapes raw ER7 with the same delimiters: every leaf is unescaped and escaped
        /// again, so invalid escapes and line breaks in the original cannot leak into the
        /// acknowledgment.
        private func reencode(_ raw: [UInt8]) -> [UInt8] {
            var output: [UInt8] = []
            for (r, repetition) in raw.split(separator: encoding.repetition, omittingEmptySubsequences: false).enumerated() {
                if r > 0 { output.append(encoding.repetition) }
                for (c, component) in repetition.split(separator: encoding.component, omittingEmptySubsequences: false).enumerated() {
                    if c > 0 { output.append(encoding.component) }
                    for (s, subcomponent) in component.split(separator: encoding.subcomponent, omittingEmptySubsequences: false).enumerated() {
                        if s > 0 { output.append(encoding.subcomponent) }
                        let text = Array(subcomponent).withUnsafeBufferPointer {
                            EscapeSequence.unescape($0, encoding: encoding, characterSet: characterSet)
                        }
                        output += escape(text)
                    }
                }
            }
            return output
        }

        private func escape(_ text: String) -> [UInt8] {
            EscapeSequence.escape(text, encoding: encoding, characterSet: characterSet)
        }

        /// Joins parts with a separator, dropping empty parts at the end.
        private func join(_ parts: [[UInt8]], _ separator: UInt8) -> [UInt8] {
            var parts = parts
            while parts.last?.isEmpty == true { parts.removeLast() }
            var output: [UInt8] = []
            for (k, part) in parts.enumerated() {
                if k > 0 { output.append(separator) }
                output += part
            }
            return output
        }

        /// Appends fields (from field 1, or MSH-3), dropping empty ones at the end, and the
        /// segment terminator.
        private func append(_ fields: [[UInt8]], to bytes: inout [UInt8]) {
            var fields = fields
            while fields.last?.isEmpty == true { fields.removeLast() }
            for field in fields {
                bytes.append(encoding.field)
                bytes += field
            }
            bytes.append(0x0D)
        }

        /// `2.5.1` → `[2, 5, 1]`; `nil` when the text is not a dotted version number.
        static func versionNumber(_ text: String?) -> [Int]? {
            guard let text, !text.isEmpty else { return nil }
            var numbers: [Int] = []
            for part in text.split(separator: ".", omittingEmptySubsequences: false) {
                guard let number = Int(String(part).trimmingSpaces()) else { return nil }
                numbers.append(number)
            }
            while numbers.count > 1, numbers.last == 0 { numbers.removeLast() }
            return numbers
        }
    }
}
