extension Message {
    /// The message as JSON: header facts, then `segments` → `fields` → repetitions → components.
    ///
    /// Each field is an array of repetitions (`[]` when empty), each repetition an array of
    /// components, each component a string, or an array of strings when it has subcomponents.
    /// MSH-1 and MSH-2 are plain strings. All text is unescaped. `pretty` puts each header key and
    /// each segment on a line of its own.
    ///
    /// ```json
    /// {"type":"ADT","event":"A01","structure":"ADT_A01","controlID":"1","version":"2.5",
    ///  "segments":[{"id":"PID","fields":[[["1"]],[],[["123","","",["HOSP","x"]]]]}]}
    /// ```
    public func json(pretty: Bool = false, options: EscapeSequence.Options = .default) -> String {
        var json = JSONText()
        let newline = pretty ? "\n  " : ""
        json.raw("{" + newline)
        json.key("type"); json.optional(messageType); json.raw("," + newline)
        json.key("event"); json.optional(triggerEvent); json.raw("," + newline)
        json.key("structure"); json.optional(structureID); json.raw("," + newline)
        json.key("controlID"); json.optional(controlID); json.raw("," + newline)
        json.key("version"); json.optional(version); json.raw("," + newline)
        json.key("characterSet"); json.string(characterSet.name); json.raw("," + newline)
        json.key("segments"); json.raw("[")
        for (segmentNumber, segment) in segments.enumerated() {
            if segmentNumber > 0 { json.raw(",") }
            json.raw(pretty ? "\n    {" : "{")
            json.key("id"); json.string(segment.id); json.raw(",")
            json.key("fields"); json.raw("[")
            for number in 1...max(segment.fieldCount, 1) {
                if number > 1 { json.raw(",") }
                guard let field = segment.field(number) else { json.raw("[]"); continue }
                if field.isOpaque {
                    json.string(field.er7)
                    continue
                }
                if field.isEmpty { json.raw("[]"); continue }
                json.raw("[")
                for (r, repetition) in field.children.enumerated() {
                    if r > 0 { json.raw(",") }
                    json.raw("[")
                    for (c, component) in repetition.children.enumerated() {
                        if c > 0 { json.raw(",") }
                        let subcomponents = component.children
                        if subcomponents.count == 1 {
                            json.string(component.text(options: options))
                        } else {
                            json.raw("[")
                            for (s, subcomponent) in subcomponents.enumerated() {
                                if s > 0 { json.raw(",") }
                                json.string(subcomponent.text(options: options))
                            }
                            json.raw("]")
                        }
                    }
                    json.raw("]")
                }
                json.raw("]")
            }
            json.raw("]}")
        }
        json.raw(pretty ? "\n  ]\n}" : "]}")
        return json.output
    }
}
