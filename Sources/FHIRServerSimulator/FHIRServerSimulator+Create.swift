import FHIR
import Foundation
import HTTPTypes
import Hummingbird
import Logging

extension FHIRServerSimulator {
    /// A POST to `/fhir` (`type` nil: a transaction or batch Bundle) or `/fhir/<type>`.
    func receive(_ request: Request, type: String?) async -> Response {
        guard state.accepts(token: Self.bearer(request), now: Date()) else { return Self.unauthorized() }
        if let failure = state.takeFailure() {
            var response = Self.outcome(status: HTTPResponse.Status(code: failure.status), code: "transient", "simulated failure")
            if let seconds = failure.retryAfter { response.headers[.retryAfter] = "\(seconds)" }
            return response
        }
        guard let body = try? await request.body.collect(upTo: 32 << 20) else {
            return Self.outcome(status: .contentTooLarge, code: "too-costly", "the body is over 32 MiB")
        }
        let read: (Element?, [FormatError])
        do {
            read = try Element.read(json: Array(body.readableBytesView), definitions: configuration.definitions)
        } catch {
            return Self.outcome(status: .badRequest, code: "structure", "not FHIR JSON: \(error.message)")
        }
        guard let resource = read.0 else {
            return Self.outcome(status: .badRequest, code: "structure", "the body holds no resource")
        }
        let issues = read.1.map { ValidationIssue(reading: $0) } + validate(resource)
        if issues.contains(where: { $0.severity >= .error }) {
            logger.info("refused invalid content", metadata: ["sim.resource_type": "\(resource.type)"])
            return Self.fhir(ValidationResult(issues: issues).operationOutcome, status: .unprocessableContent)
        }
        do {
            if let type {
                guard resource.type == type else {
                    return Self.outcome(status: .badRequest, code: "invalid", "a \(resource.type) posted to /fhir/\(type)")
                }
                return try create(resource, ifNoneExist: request.headers[HTTPField.Name("If-None-Exist")!])
            }
            guard resource.type == "Bundle", let kind = resource.child(named: "type")?.value?.text, kind == "transaction" || kind == "batch" else {
                return Self.outcome(status: .badRequest, code: "not-supported", "POST to the base URL takes a transaction or batch Bundle")
            }
            return try transaction(resource, kind: kind)
        } catch {
            logger.error("could not store", metadata: ["error": "\(error)"])
            return Self.outcome(status: .internalServerError, code: "exception", "the simulator could not store the content")
        }
    }

    /// Checks a resource (and every entry's resource of a Bundle) against R4, the guide and the
    /// profiles of its type.
    func validate(_ resource: Element) -> [ValidationIssue] {
        validator.validate(resource, profilesByType: profilesByType)
    }

    /// One resource, a conditional create when `ifNoneExist` is given.
    func create(_ resource: Element, ifNoneExist: String?) throws -> Response {
        let (status, stored) = try store.write { writer -> (Int, StoredResources.Stored) in
            if let ifNoneExist, let found = try writer.find(type: resource.type, search: ifNoneExist) { return (200, found) }
            let id = try writer.takeIDs(1)
            let json = Self.json(of: resource, id: id, references: [:])
            try writer.write(type: resource.type, id: id, json: json, identifiers: Self.identifiers(of: resource), now: Date())
            return (201, StoredResources.Stored(type: resource.type, id: id, json: json))
        }
        let location = "\(resource.type)/\(stored.id)/_history/\(stored.version)"
        return Self.fhir(stored.json, status: status == 200 ? .ok : .created, headers: [.location: location])
    }

    /// What one entry of a transaction does.
    struct PlannedEntry {
        var resource: Element
        var id: String
        /// 201 created, 200 found (conditional create) or updated.
        var status: Int
        /// Whether the resource is written (not for a conditional create that found one).
        var writes: Bool
        var version: Int
    }

    /// A transaction (all entries stored or none) or batch: a `transaction-response` or
    /// `batch-response` Bundle. Entries are `POST <type>` (with `ifNoneExist`: a conditional
    /// create; two entries with the same search are one resource) or `PUT <type>/<id>` (update,
    /// or create with that id). References to an entry's `fullUrl` are rewritten to the
    /// resource's `<type>/<id>`, as a FHIR server resolves them.
    func transaction(_ bundle: Element, kind: String) throws -> Response {
        let entries = bundle.children(named: "entry")
        for (index, entry) in entries.enumerated() {
            let method = entry.child(named: "request")?.child(named: "method")?.value?.text ?? "POST"
            guard let resource = entry.child(named: "resource"), method == "POST" || method == "PUT" else {
                return Self.outcome(status: .badRequest, code: "not-supported", "entry \(index): the simulator takes POST and PUT entries with a resource")
            }
            if method == "PUT" {
                guard let target = Self.updateTarget(entry), target.type == resource.type,
                    (resource.child(named: "id")?.value?.text).map({ $0 == target.id }) ?? true
                else {
                    return Self.outcome(status: .badRequest, code: "invalid", "entry \(index): PUT takes `<type>/<id>` of the entry's resource")
                }
            }
        }
        let planned: [PlannedEntry] = try store.write { writer in
            var planned: [PlannedEntry] = []
            var references: [String: String] = [:]
            var searched: [String: Int] = [:]
            let created = entries.filter { entry in
                entry.child(named: "request")?.child(named: "method")?.value?.text ?? "POST" == "POST"
            }.count
            let firstID = Int(try writer.takeIDs(created)) ?? 0
            var taken = 0
            for entry in entries {
                let resource = entry.child(named: "resource")!
                let request = entry.child(named: "request")
                var item: PlannedEntry
                if let target = Self.updateTarget(entry) {
                    let existing = try writer.find(type: target.type, id: target.id)
                    item = PlannedEntry(resource: resource, id: target.id, status: existing == nil ? 201 : 200, writes: true, version: (existing?.version ?? 0) + 1)
                } else if let search = request?.child(named: "ifNoneExist")?.value?.text, let earlier = searched["\(resource.type)?\(search)"] {
                    item = planned[earlier]
                    item.status = 200
                    item.writes = false
                } else if let search = request?.child(named: "ifNoneExist")?.value?.text, let found = try writer.find(type: resource.type, search: search) {
                    item = PlannedEntry(resource: resource, id: found.id, status: 200, writes: false, version: found.version)
                } else {
                    item = PlannedEntry(resource: resource, id: String(firstID + taken), status: 201, writes: true, version: 1)
                    if let search = request?.child(named: "ifNoneExist")?.value?.text { searched["\(resource.type)?\(search)"] = planned.count }
                }
                taken += request?.child(named: "method")?.value?.text ?? "POST" == "POST" ? 1 : 0
                if let fullURL = entry.child(named: "fullUrl")?.value?.text { references[fullURL] = "\(resource.type)/\(item.id)" }
                planned.append(item)
            }
            for item in planned where item.writes {
                let json = Self.json(of: item.resource, id: item.id, references: references)
                try writer.write(type: item.resource.type, id: item.id, json: json, identifiers: Self.identifiers(of: item.resource), now: Date())
            }
            return planned
        }
        let responses: [[String: any Sendable]] = planned.map { item in
            ["response": ["status": item.status == 201 ? "201 Created" : "200 OK", "location": "\(item.resource.type)/\(item.id)/_history/\(item.version)"]]
        }
        let answer: [String: any Sendable] = ["resourceType": "Bundle", "type": "\(kind)-response", "entry": responses]
        let data = (try? JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Self.fhir(String(decoding: data, as: UTF8.self), status: .ok)
    }

    /// The `<type>/<id>` a PUT entry's `request.url` names (relative, or ending the base URL).
    static func updateTarget(_ entry: Element) -> (type: String, id: String)? {
        guard let request = entry.child(named: "request"), request.child(named: "method")?.value?.text == "PUT",
            let url = request.child(named: "url")?.value?.text, !url.contains("?")
        else { return nil }
        let parts = url.split(separator: "/")
        guard parts.count >= 2, let type = parts.dropLast().last, let id = parts.last else { return nil }
        return (String(type), String(id))
    }

    /// The resource as stored: with `id`, and its references to entries (`fullUrl`s in
    /// `references`) resolved to `<type>/<id>`.
    static func json(of resource: Element, id: String, references: [String: String]) -> String {
        var stored = Self.resolving(resource, references)
        stored.children.removeAll { $0.name == "id" }
        stored.children.insert(Element(name: "id", type: "id", value: .string(id)), at: 0)
        return String(decoding: stored.json(), as: UTF8.self)
    }

    static func resolving(_ element: Element, _ references: [String: String]) -> Element {
        guard !references.isEmpty else { return element }
        var element = element
        if element.name == "reference", let text = element.value?.text, let resolved = references[text] {
            element.value = .string(resolved)
        }
        element.children = element.children.map { resolving($0, references) }
        return element
    }

    /// The identifiers a conditional create can find the resource by.
    static func identifiers(of resource: Element) -> [(system: String, value: String)] {
        resource.children(named: "identifier").compactMap { identifier in
            guard let value = identifier.child(named: "value")?.value?.text else { return nil }
            return (identifier.child(named: "system")?.value?.text ?? "", value)
        }
    }
}
