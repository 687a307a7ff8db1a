public import FHIR
import Foundation

/// Conditional create, so that a delivery sent again creates nothing twice: the search a
/// resource is found by (`identifier=system|value`, from its first identifier with both), as an
/// `If-None-Exist` header for a single resource or as `request.ifNoneExist` for the entries of a
/// transaction or batch Bundle.
public enum ConditionalCreate {
    /// `identifier=<system>|<value>` for the resource's first identifier with a system and a
    /// value (both percent-encoded for a query); `nil` when it has none.
    public static func ifNoneExist(for resource: Element) -> String? {
        for identifier in resource.children(named: "identifier") {
            guard let system = identifier.child(named: "system")?.value?.text, !system.isEmpty,
                let value = identifier.child(named: "value")?.value?.text, !value.isEmpty
            else { continue }
            return "identifier=\(encode(system))|\(encode(value))"
        }
        return nil
    }

    /// The Bundle with every entry's request made conditional: an entry without a request gets
    /// `POST <resourceType>`; a POST without `ifNoneExist` gets one from its resource's identifier.
    /// Entries with another method, or resources without an identifier, stay as they are.
    /// Bundles other than `transaction` and `batch` are returned unchanged.
    public static func prepared(_ bundle: Element) -> Element {
        guard bundle.type == "Bundle", let type = bundle.child(named: "type")?.value?.text, type == "transaction" || type == "batch" else {
            return bundle
        }
        var bundle = bundle
        for index in bundle.children.indices where bundle.children[index].name == "entry" {
            let entry = bundle.children[index]
            guard let resource = entry.child(named: "resource") else { continue }
            var request = entry.child(named: "request") ?? Element(
                name: "request", type: "BackboneElement",
                children: [
                    Element(name: "method", type: "code", value: .string("POST")),
                    Element(name: "url", type: "uri", value: .string(resource.type)),
                ])
            if request.child(named: "method")?.value?.text == "POST", request.child(named: "ifNoneExist") == nil,
                let search = ifNoneExist(for: resource)
            {
                request.children.append(Element(name: "ifNoneExist", type: "string", value: .string(search)))
            }
            var children = entry.children.filter { $0.name != "request" }
            children.append(request)
            bundle.children[index].children = children
        }
        return bundle
    }

    /// Percent-encodes a search parameter's value (keeps unreserved characters, `:` and `/`).
    static func encode(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
