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
        var issues = validator.validate(resource, profiles: profilesByType[resource.type] ?? []).issues
        guard resource.type == "Bundle" else { return issues }
        for (index, entry) in resource.children(named: "entry").enumerated() {
            guard let inner = entry.child(named: "resource"), let profiles = profilesByType[inner.type], !profiles.isEmpty else { continue }
            var root = inner
            root.name = inner.type
            issues += validator.validate(root, profiles: profiles).issues.map { issue in
                var issue = issue
                let rest = issue.expression.hasPrefix(inner.type) ? String(issue.expression.dropFirst(inner.type.count)) : ""
                issue.expression = "Bundle.entry[\(index)].resource" + rest
                return issue
            }
        }
        return issues
    }

    /// One resource, a conditional create when `ifNoneExist` is given.
    func create(_ resource: Element, ifNoneExist: String?) throws -> Response {
        let (status, id, json) = try store.write { writer in try Self.store(resource, ifNoneExist: ifNoneExist, in: writer) }
        let location = "\(resource.type)/\(id)/_history/1"
        return Self.fhir(json, status: status == 200 ? .ok : .created, headers: [.location: location])
    }

    /// A transaction (all entries stored or none) or batch: a `transaction-response` or
    /// `batch-response` Bundle.
    func transaction(_ bundle: Element, kind: String) throws -> Response {
        let entries = bundle.children(named: "entry")
        for (index, entry) in entries.enumerated() {
            let method = entry.child(named: "request")?.child(named: "method")?.value?.text
            guard entry.child(named: "resource") != nil, method == nil || method == "POST" else {
                return Self.outcome(status: .badRequest, code: "not-supported", "entry \(index): the simulator takes POST entries with a resource")
            }
        }
        let responses: [[String: any Sendable]] = try store.write { writer in
            try entries.map { (entry) throws -> [String: any Sendable] in
                let resource = entry.child(named: "resource")!
                let search = entry.child(named: "request")?.child(named: "ifNoneExist")?.value?.text
                let (status, id, _) = try Self.store(resource, ifNoneExist: search, in: writer)
                return ["response": ["status": status == 200 ? "200 OK" : "201 Created", "location": "\(resource.type)/\(id)/_history/1"]]
            }
        }
        let answer: [String: any Sendable] = ["resourceType": "Bundle", "type": "\(kind)-response", "entry": responses]
        let data = (try? JSONSerialization.data(withJSONObject: answer, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Self.fhir(String(decoding: data, as: UTF8.self), status: .ok)
    }

    /// Finds the resource `ifNoneExist` names (200) or stores this one with a new id (201).
    static func store(_ resource: Element, ifNoneExist: String?, in writer: StoredResources.Writer) throws -> (status: Int, id: String, json: String) {
        if let ifNoneExist, let found = try writer.find(type: resource.type, search: ifNoneExist) {
            return (200, found.id, found.json)
        }
        var stored = resource
        let id = try writer.nextID()
        stored.children.removeAll { $0.name == "id" }
        stored.children.insert(Element(name: "id", type: "id", value: .string(id)), at: 0)
        let json = String(decoding: stored.json(), as: UTF8.self)
        let identifiers: [(system: String, value: String)] = resource.children(named: "identifier").compactMap { identifier in
            guard let value = identifier.child(named: "value")?.value?.text else { return nil }
            return (identifier.child(named: "system")?.value?.text ?? "", value)
        }
        let inserted = try writer.insert(type: resource.type, json: json, identifiers: identifiers, now: Date())
        precondition(inserted == id, "ids are given in order")
        return (201, id, json)
    }
}
