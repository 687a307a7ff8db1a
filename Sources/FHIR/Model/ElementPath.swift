/// Where an element is in the resource being read or validated, as a chain of names from the
/// root; the FHIRPath text (`Patient.name[0].given[1]`) is built only when it is needed, for an
/// error or an issue.
///
/// The readers and the validator visit every element but report on few: a link per element is
/// much cheaper than building each element's path as a string.
final class ElementPath: Sendable, CustomStringConvertible {
    /// The path of the parent element; `nil` at the root.
    let parent: ElementPath?
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

    private init(parent: ElementPath, name: String, index: Int?) {
        self.parent = parent
        self.name = name
        self.index = index
    }

    /// The path of a child element: `index` for an element that repeats, `nil` otherwise.
    func child(_ name: String, index: Int? = nil) -> ElementPath {
        ElementPath(parent: self, name: name, index: index)
    }

    /// The FHIRPath text.
    var description: String {
        var links: [ElementPath] = []
        var current: ElementPath? = self
        while let link = current {
            links.append(link)
            current = link.parent
        }
        var text = ""
        for link in links.reversed() {
            if link.parent != nil { text += "." }
            text += link.name
            if let index = link.index { text += "[\(index)]" }
        }
        return text
    }
}
