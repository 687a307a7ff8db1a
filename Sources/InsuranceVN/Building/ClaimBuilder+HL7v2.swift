import FHIR
public import HL7v2
public import Mapping

extension ClaimBuilder {
    /// Builds the claim of one visit from its HL7 v2 messages (ADT for the patient and the stay,
    /// DFT or BAR for the charges, ORU for the results): each is mapped to FHIR with the v2 → FHIR
    /// maps of `library`, the Bundles are merged (``BundleMerger``) and the claim is built from
    /// the result. The mapping's issues come first in the result's, as warnings.
    ///
    /// ```swift
    /// let library = try MappingLibrary(folder: mappings)
    /// let result = try builder.build(messages: [adt, dft, oru], library: library, options: .init(profile: "vn-core"))
    /// ```
    ///
    /// - Throws: ``ClaimError`` ``ClaimError/Code/invalidInput`` when a message cannot be mapped
    ///   (no map for its event).
    public func build(messages: [Message], library: MappingLibrary, options mappingOptions: V2ToFHIR.Options = .init()) throws -> ClaimBuildResult {
        let mapper = V2ToFHIR(library: library, options: mappingOptions)
        var bundles: [FHIR.Element] = []
        var issues: [ClaimBuildIssue] = []
        for (index, message) in messages.enumerated() {
            do throws(MappingError) {
                let mapped = try mapper.convert(message)
                bundles.append(try mapped.bundle())
                issues += mapped.issues.map { issue in
                    ClaimBuildIssue(
                        severity: .warning, input: "message \(index + 1): \(issue.input)", rule: issue.rule, message: issue.message)
                }
            } catch {
                throw ClaimError(.invalidInput, path: "message \(index + 1)", "cannot be mapped to FHIR: \(error.message)")
            }
        }
        var result = build(BundleMerger.merge(bundles))
        result.issues = issues + result.issues
        return result
    }
}
