import Foundation

extension Definitions {
    /// The conformance resources of a folder (an implementation guide such as VN Core): every
    /// `.json` and `.xml` file, read untyped for ``adding(resources:)``, in file name order; the
    /// files that could not be read come back with their error.
    ///
    /// ```swift
    /// let (resources, unreadable) = try Definitions.resources(inFolder: "specs/vn-core-ig/resources")
    /// let definitions = Definitions.r4.adding(resources: resources)
    /// ```
    ///
    /// - Throws: the error of listing the folder or reading a file.
    public static func resources(inFolder folder: String) throws -> (resources: [Element], unreadable: [(file: String, error: FormatError)]) {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        var resources: [Element] = []
        var unreadable: [(file: String, error: FormatError)] = []
        for name in names where name.hasSuffix(".json") || name.hasSuffix(".xml") {
            let path = (folder as NSString).appendingPathComponent(name)
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            do {
                resources.append(name.hasSuffix(".xml") ? try Element.untyped(xml: bytes) : try Element.untyped(json: bytes))
            } catch {
                unreadable.append((path, error))
            }
        }
        return (resources, unreadable)
    }
}
