/// Where an element is in the resource being read or validated, as a chain of names from the
/// root; the FHIRPath text (`Patient.name[0].given[1]`) is built only when it is needed, for an
/// error or an issue.
///
/// The readers and the validator visit every element but report on few: a path is a value (the
/// element's name and index) with a shared link to its parent's path. The link is allocated once
/// per parent (``link``), not once per child, and not at all for an element without children.
struct ElementPath: Sendable, CustomStringConvertible {
    /// A path kept for the paths of its children.
    final class Link: Sendable {
        /// The path of the parent element; `nil` at the root.
        let parent: Link?
        /// The element's name (the resource type, or the full path given, at the root).
        let name: String
        /// The element's index among its siblings of the same name, when the element repeats.
        let index: Int?

        init(parent: Link?, name: String, index: Int?) {
            self.parent = parent
            self.name = name
            self.index = index
        }
    }

    /// The path of the parent element; `nil` at the root.
    let parent: Link?
    /// The element's name (the resource type, or the full path given, at the root).
    let name: String
    /// The element's index among its siblings of the same name, when the element repeats.
    let index: Int?

    /// A root: a resource type, or the path of a resource inside another (`Bundle.entry[0].resource`).
    init(_ root: String) {
        self.parent = nil
        self.name = root
        self.index = nil
    }

    /// The path of an element whose parent's path is `parent`.
    init(parent: Link, name: String, index: Int? = nil) {
        self.parent = parent
        self.name = name
        self.index = index
    }

    /// This path, kept for its children: make it once and give it to each child
    /// (``init(parent:name:index:)``) rather than calling ``child(_:index:)`` for each.
    var link: Link { Link(parent: parent, name: name, index: index) }

    /// The path of a child element: `index` for an element that repeats, `nil` otherwise.
    func child(_ name: String, index: Int? = nil) -> ElementPath {
        ElementPath(parent: link, name: name, index: index)
    }

    /// The FHIRPath text.
    var description: String {
        var links: [(name: String, index: Int?)] = [(name, index)]
        var current = parent
        while let link = current {
            links.append((link.name, link.index))
            current = link.parent
        }
        return Self.text(of: links.reversed())
    }

    /// The FHIRPath text of names from the root, each with its index when it repeats
    /// (`Bundle.entry[0].resource`).
    static func text(of steps: some Sequence<(name: String, index: Int?)>) -> String {
        var text = ""
        for (offset, step) in steps.enumerated() {
            if offset > 0 { text += "." }
            text += step.name
            if let index = step.index { text += "[\(index)]" }
        }
        return text
    }
}
