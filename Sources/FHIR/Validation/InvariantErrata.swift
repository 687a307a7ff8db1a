/// R4 invariants whose published FHIRPath expression says something else than their own
/// description, with the expression that says what the description says (as the reference
/// validator evaluates them; later FHIR versions carry the corrected text).
enum InvariantErrata {
    static let corrected: [String: String] = [
        // que-12 "If there are more than one enableWhen, enableBehavior must be specified".
        "enableWhen.count() > 2 implies enableBehavior.exists()": "enableWhen.count() > 1 implies enableBehavior.exists()",
    ]
}
