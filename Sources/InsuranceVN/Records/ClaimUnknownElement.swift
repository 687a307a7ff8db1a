/// An element a reader found in a record that the table's definition does not name, kept with
/// its text so nothing is dropped silently (see ``ClaimRecord/unknownElements``).
public struct ClaimUnknownElement: Hashable, Sendable {
    /// The element's name.
    public var name: String
    /// The element's text as written.
    public var text: String

    /// Creates an unknown element.
    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }
}
