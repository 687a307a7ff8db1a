public import Foundation

// Reading and writing a table document as XML.
//
// Writing: UTF-8, the definition's element layout, every field of the definition in its order,
// an empty field as an empty element (`<MA_PTTT_QT/>`). The spec lists a fixed, numbered set of
// fields per table and NOTES.md's envelope shows empty elements (`<CHUKYDONVI/>`); writing all
// of them keeps each record's element sequence the same as the spec's, whatever the data, which
// is what a sequence-based schema checks. Fields 3176 removed are not written, and neither are
// the unknown elements a reader kept.
//
// Reading: a field element sets its text exactly as written (CDATA included); a missing element
// leaves the field `nil`. A field's former name (before a 3176 rename) is accepted. Anything
// the definition does not name is reported in `issues` and kept in the record's
// `unknownElements`; nothing is dropped silently.

extension ClaimTableDocument {
    /// Reads a table document.
    /// - Throws: ``ClaimError`` with code ``ClaimError/Code/invalidXML``,
    ///   ``ClaimError/Code/unexpectedRootElement`` or ``ClaimError/Code/tableLayoutUnknown``.
    public init(xml data: Data, table: ClaimTableDefinition) throws {
        let (rootName, recordName) = try table.layout()
        let root = try XMLNode.parse(data, table: table.name)
        guard root.name == rootName else {
            throw ClaimError(
                .unexpectedRootElement, table: table.name, path: root.name, line: root.line,
                "the table's documents have the root element \(rootName)")
        }
        var issues: [ClaimError] = []
        var records: [ClaimRecord] = []
        if let listName = table.listElement {
            Self.checkContainerText(root, path: rootName, table: table, &issues)
            for child in root.children {
                let childPath = rootName + "/" + child.name
                guard child.name == listName else {
                    issues.append(Self.unknown(child, path: childPath, table: table, record: nil))
                    continue
                }
                Self.checkContainerText(child, path: childPath, table: table, &issues)
                for item in child.children {
                    let itemPath = childPath + "/" + item.name
                    if item.name == recordName {
                        records.append(
                            Self.record(from: item, path: itemPath, number: records.count + 1, table: table, &issues))
                    } else {
                        issues.append(Self.unknown(item, path: itemPath, table: table, record: nil))
                    }
                }
            }
        } else {
            records = [Self.record(from: root, path: rootName, number: 1, table: table, &issues)]
        }
        self.init(table: table, records: records)
        self.issues = issues
    }

    /// The document as UTF-8 XML.
    /// - Throws: ``ClaimError`` with code ``ClaimError/Code/tableLayoutUnknown``,
    ///   ``ClaimError/Code/recordCount`` (a flat table needs exactly one record),
    ///   ``ClaimError/Code/mismatchedRecord`` or ``ClaimError/Code/invalidCharacter``.
    public func xml() throws -> Data {
        let (rootName, recordName) = try table.layout()
        if table.isFlat && records.count != 1 {
            throw ClaimError(
                .recordCount, table: table.name,
                "a flat table holds exactly one record, this document has \(records.count)")
        }
        var writer = XMLWriter(capacity: 512 + 48 * records.count * table.fields.count)
        if let listName = table.listElement {
            writer.start(rootName)
            writer.start(listName)
        }
        for record in records {
            guard record.table.name == table.name else {
                throw ClaimError(
                    .mismatchedRecord, table: table.name, record: record.number,
                    "the record belongs to table \(record.table.name)")
            }
            writer.start(recordName)
            // The definitions read in place: `record.fields` would copy each one (a dozen fields
            // of its own) for every record written.
            let definitions = record.table.fields
            try record.table.elementTags.withTags { tags in
                for (index, text) in record.texts.enumerated() where !definitions[index].isRemoved {
                    guard writer.leaf(tags(index), escaping: text ?? "") else {
                        throw ClaimError(
                            .invalidCharacter, table: table.name, record: record.number, path: definitions[index].name,
                            "the text holds a control character XML cannot carry")
                    }
                }
            }
            writer.end()
        }
        if table.listElement != nil {
            writer.end()
            writer.end()
        }
        return writer.data
    }

    private static func record(
        from node: XMLNode, path: String, number: Int, table: ClaimTableDefinition, _ issues: inout [ClaimError]
    ) -> ClaimRecord {
        // A field's text is nil until its element is read, so a second element of it is a duplicate.
        var texts = [String?](repeating: nil, count: table.fields.count)
        var unknownElements: [ClaimUnknownElement] = []
        checkContainerText(node, path: path, table: table, record: number, &issues)
        for child in node.children {
            guard let index = table.index(of: child.name) else {
                issues.append(unknown(child, path: path + "/" + child.name, table: table, record: number))
                unknownElements.append(ClaimUnknownElement(name: child.name, text: child.text))
                continue
            }
            guard texts[index] == nil else {
                issues.append(
                    ClaimError(
                        .duplicateElement, table: table.name, record: number, path: path + "/" + child.name,
                        line: child.line, "the field occurs more than once; the first is kept"))
                continue
            }
            texts[index] = child.text
            for grandchild in child.children {
                issues.append(
                    unknown(grandchild, path: path + "/" + child.name + "/" + grandchild.name, table: table, record: number))
            }
        }
        var record = ClaimRecord(table: table, number: number, texts: texts)
        record.unknownElements = unknownElements
        return record
    }

    private static func unknown(_ node: XMLNode, path: String, table: ClaimTableDefinition, record: Int?) -> ClaimError {
        ClaimError(
            .unknownElement, table: table.name, record: record, path: path, line: node.line,
            "the table's definition has no such element")
    }

    private static func checkContainerText(
        _ node: XMLNode, path: String, table: ClaimTableDefinition, record: Int? = nil, _ issues: inout [ClaimError]
    ) {
        if !node.hasOnlyWhitespaceText {
            issues.append(
                ClaimError(
                    .unknownElement, table: table.name, record: record, path: path + "/text()", line: node.line,
                    "text between elements, where only elements belong"))
        }
    }
}

extension ClaimTableDefinition {
    /// The root and record element names.
    /// - Throws: ``ClaimError/Code/tableLayoutUnknown`` when no source names them.
    func layout() throws -> (root: String, record: String) {
        guard let rootElement, let recordElement else {
            throw ClaimError(
                .tableLayoutUnknown, table: name,
                "no source names the elements of this table's documents, so they cannot be written or read")
        }
        return (rootElement, recordElement)
    }
}
