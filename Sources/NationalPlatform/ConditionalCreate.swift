public import FHIR
import Foundation

/// Conditional create, so that a delivery sent again creates nothing twice: the search a
/// resource is found by (`identifier=system|value`, from its first identifier with both), as an
/// `If-None-Exist` header for a single resource or as `request.ifNoneExist` for the entries of a
/// transaction or batch Bundle.
public enum ConditionalCreate {
    /// Identifier uses that do not name the resource for the whole platform: a `secondary`
    /// identifier (VN Core's patient number, `…/sid/patient-internal-id`, is unique only within
    /// one facility: two hospitals' patients must not be taken for one), a `temp` or an `old` one.
    public static let localUses: Set<String> = ["secondary", "temp", "old"]

    /// `identifier=<system>|<value>` for the resource's first identifier with a system and a
    /// value (both percent-encoded for a query) whose use is not one of ``localUses``; `nil`
    /// when it has none.
    public static func ifNoneExist(for resource: Element) -> String? {
        for identifier in resource.children(named: "identifier") {
            if let use = identifier.child(named: "use")?.value?.text, localUses.contains(use) { continue }
            guard let system = identifier.child(named: "system")?.value?.text, !system.isEmpty,
                let value = identifier.child(named: "value")?.value?.text, !value.isEmpty
            else { continue }
            return "identifier=\(encode(system))|\(encode(value))"
        }
        return nil
    }

    /// The Bundle as it is sent, every entry's request made so that sending it again changes
    /// nothing:
    ///
    /// - a `message` Bundle (what the HL7 v2 → FHIR mappings make) becomes a `transaction` of
    ///   its resources, its MessageHeader left out (the platform keeps records, not messages);
    /// - an entry without a request whose resource has an identifier with a system and a value
    ///   gets `POST <type>` with `ifNoneExist` (a conditional create: the resource the server
    ///   already has with that identifier is kept, so the Patient of several messages is one);
    /// - one without such an identifier but with an `id` gets `PUT <type>/<id>` (an update that
    ///   creates: the mappings give the same ids to the same message, so a retried delivery
    ///   rewrites the same resources);
    /// - one with neither gets `POST <type>`; a POST without `ifNoneExist` gets one when its
    ///   resource has such an identifier. Entries with another method stay as they are.
    ///
    /// Bundles other than `transaction`, `batch` and `message` are returned unchanged.
    public static func prepared(_ bundle: Element) -> Element {
        guard bundle.type == "Bundle", let type = bundle.child(named: "type")?.value?.text, ["transaction", "batch", "message"].contains(type) else {
            return bundle
        }
        var bundle = bundle
        if type == "message" {
            bundle.children.removeAll { $0.name == "entry" && $0.child(named: "resource")?.type == "MessageHeader" }
            if let index = bundle.children.firstIndex(where: { $0.name == "type" }) {
                bundle.children[index].value = .string("transaction")
            }
        }
        for index in bundle.children.indices where bundle.children[index].name == "entry" {
            let entry = bundle.children[index]
            guard let resource = entry.child(named: "resource") else { continue }
            let search = ifNoneExist(for: resource)
            var request: Element
            if let given = entry.child(named: "request") {
                request = given
            } else if search == nil, let id = resource.child(named: "id")?.value?.text, !id.isEmpty {
                request = Self.request("PUT", "\(resource.type)/\(id)")
            } else {
                request = Self.request("POST", resource.type)
            }
            if request.child(named: "method")?.value?.text == "POST", request.child(named: "ifNoneExist") == nil, let search {
                request.children.append(Element(name: "ifNoneExist", type: "string", value: .string(search)))
            }
            var children = entry.children.filter { $0.name != "request" }
            children.append(request)
            bundle.children[index].children = children
        }
        return bundle
    }

    /// An entry's `request` with `method` and `url`.
    static func request(_ method: String, _ url: String) -> Element {
        Element(
            name: "request", type: "BackboneElement",
            children: [
                Element(name: "method", type: "code", value: .string(method)),
                Element(name: "url", type: "uri", value: .string(url)),
            ])
    }

    /// Percent-encodes a search parameter's value (keeps unreserved characters, `:` and `/`).
    static func encode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
