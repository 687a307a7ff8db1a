public import Foundation

/// What a FHIRPath expression is evaluated with besides its input: the FHIR context variables,
/// user variables, the definitions for type tests and value sets, and the clock.
///
/// - `%resource`: the resource holding the input (``resource``; the input when `nil`).
/// - `%rootResource`: the resource holding `%resource` when that is contained (``rootResource``;
///   `%resource` when `nil`).
/// - `%context`: the element the expression is evaluated on (``context``; the input when `nil`).
/// - `%ucum`, `%sct`, `%loinc`: the code system URLs.
/// - `%vs-name`, `%ext-name` (or `` %`vs-name` ``): `http://hl7.org/fhir/ValueSet/name` and
///   `http://hl7.org/fhir/StructureDefinition/name`.
/// - Any name in ``variables``.
///
/// ```swift
/// var environment = FHIRPathEnvironment(resource: bundle)
/// environment.variables["threshold"] = [.integer(5)]
/// ```
public struct FHIRPathEnvironment: Sendable {
    /// `%resource`; the input when `nil`.
    public var resource: Element? {
        get { storage.value.resource }
        set {
            storage.value.resource = newValue
            storage.value.bundleIndex = nil
        }
    }
    /// `%rootResource`; `%resource` when `nil`.
    public var rootResource: Element? {
        get { storage.value.rootResource }
        set {
            storage.value.rootResource = newValue
            storage.value.bundleIndex = nil
        }
    }
    /// `%context`; the input when `nil`.
    public var context: Element? {
        get { storage.value.context }
        _modify { yield &storage.value.context }
    }
    /// More variables, by name without `%`.
    public var variables: [String: [FHIRPathValue]] {
        get { storage.value.variables }
        _modify { yield &storage.value.variables }
    }
    /// The definitions for `is`, `as`, `ofType` (type lineage) and `memberOf` (value sets).
    public var definitions: Definitions {
        get { storage.value.definitions }
        _modify { yield &storage.value.definitions }
    }
    /// The moment `now()`, `today()` and `timeOfDay()` return; the current time when `nil`.
    public var now: Date? {
        get { storage.value.now }
        _modify { yield &storage.value.now }
    }
    /// The offset from UTC of `now()`, in seconds; the current time zone's when `nil`.
    public var timeZoneOffset: Int? {
        get { storage.value.timeZoneOffset }
        _modify { yield &storage.value.timeZoneOffset }
    }
    /// Receives what `trace(name)` logs: the name and the traced values. Nothing is logged when
    /// `nil`.
    public var trace: (@Sendable (_ name: String, _ values: [FHIRPathValue]) -> Void)? {
        get { storage.value.trace }
        _modify { yield &storage.value.trace }
    }
    /// The entries of the Bundles `resolve()` searches, indexed (``indexBundles()``); dropped
    /// when ``resource`` or ``rootResource`` changes.
    var bundleIndex: FHIRPathBundleIndex? { storage.value.bundleIndex }

    /// The fields of an environment.
    private struct Fields: Sendable {
        var resource: Element?
        var rootResource: Element?
        var context: Element?
        var variables: [String: [FHIRPathValue]]
        var definitions: Definitions
        var now: Date?
        var timeZoneOffset: Int?
        var trace: (@Sendable (_ name: String, _ values: [FHIRPathValue]) -> Void)?
        var bundleIndex: FHIRPathBundleIndex?
    }

    /// The fields, in one box: every evaluation copies its environment (a copy is then one
    /// reference count, not one per variable, resource and index).
    private var storage: CopyOnWriteBox<Fields>

    /// Creates an environment.
    public init(
        resource: Element? = nil, rootResource: Element? = nil, context: Element? = nil,
        variables: [String: [FHIRPathValue]] = [:], definitions: Definitions = .r4
    ) {
        storage = CopyOnWriteBox(
            Fields(resource: resource, rootResource: rootResource, context: context, variables: variables, definitions: definitions))
    }

    /// Indexes the entries of the Bundle that is ``rootResource`` or ``resource`` (by `fullUrl` and
    /// `Type/id`), so that `resolve()` finds an entry without scanning them: worth it when many
    /// evaluations with this environment resolve references, as a claim build's do. Only when
    /// ``resource`` is set (otherwise it is each evaluation's input); setting ``resource`` or
    /// ``rootResource`` drops the index. `resolve()` gives what it gives without the index.
    ///
    /// ```swift
    /// var environment = FHIRPathEnvironment(resource: bundle)
    /// environment.indexBundles()
    /// ```
    public mutating func indexBundles() {
        guard let resource else {
            storage.value.bundleIndex = nil
            return
        }
        storage.value.bundleIndex = FHIRPathBundleIndex(bundles: [rootResource ?? resource, resource])
    }
}
