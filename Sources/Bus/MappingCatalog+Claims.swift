import FHIR
import Foundation
import HL7v2
import InsuranceVN
import Mapping
import Store

extension MappingCatalog {
    /// The tables that bill (drugs; services and supplies): a claim needs a line in one of them.
    static let lineTables: Set<String> = ["XML2", "XML3"]

    /// Builds the claim of one message (``claims``): a FHIR Bundle (JSON or XML) directly, an
    /// HL7 v2 message mapped to FHIR first (`claims with PROFILE`: with that profile option),
    /// together with the earlier messages of its visit (`visit`: ADT, RDE, ORU), their Bundles
    /// merged (``InsuranceVN/BundleMerger``) in this order: the ADT messages newest first (the
    /// patient and visit as last sent), this message, then the others in arrival order.
    /// The output is the envelope (`GIAMDINHHS`), ``Store/MessageFormat/claimsXML``. A claim
    /// without a line (nothing billed: an ADT on a claims route) or one the validator finds an
    /// error in fails, with the rules broken (table, record, field, rule: never a value), so it
    /// becomes a dead letter to fix and replay rather than a claim the gateway rejects.
    func buildClaim(_ raw: [UInt8], format: MessageFormat, message: HL7v2.Message?, visit: [HL7v2.Message] = [], with name: String) -> Result<Output, Failure> {
        guard let maps = claimMaps else {
            return .failure(Failure(mapping: name, problems: ["the mappings folder has no \(ClaimMapLibrary.folderName) maps"]))
        }
        guard let facility = claimsFacility else {
            return .failure(Failure(mapping: name, problems: ["no facility code for claims (mappings.claims.facility)"]))
        }
        let builder = ClaimBuilder(maps: maps, options: .init(facilityCode: facility))
        var warnings: [MappingIssue] = []
        let result: ClaimBuildResult
        switch format {
        case .fhirJSON:
            do {
                result = try builder.build(json: raw)
            } catch {
                return .failure(Failure(mapping: name, problems: ["\(error)"]))
            }
        case .fhirXML:
            do {
                result = builder.build(try FHIR.Element(xml: raw, definitions: maps.fhirDefinitions))
            } catch {
                return .failure(Failure(mapping: name, problems: ["the message does not read as FHIR XML"]))
            }
        case .hl7v2:
            let parsed: HL7v2.Message
            if let message {
                parsed = message
            } else {
                guard let read = try? HL7v2.Message(raw) else {
                    return .failure(Failure(mapping: name, problems: ["the message does not parse as HL7 v2"]))
                }
                parsed = read
            }
            let engine = V2ToFHIR(library: library, options: .init(profile: Self.parts(of: name).profile))
            let admissions = Array(visit.filter { $0.messageType == "ADT" }.reversed())
            let others = visit.filter { $0.messageType != "ADT" }
            var bundles: [FHIR.Element] = []
            for (index, part) in (admissions + [parsed] + others).enumerated() {
                // Places name the visit's message by position and control ID, never a value.
                let place = visit.isEmpty ? "" : "message \(index + 1) (\(part.messageType ?? "?")^\(part.triggerEvent ?? "?") \(part.controlID ?? "?")): "
                do {
                    let mapped = try engine.convert(part)
                    let errors = mapped.issues.filter { $0.severity == .error }
                    guard errors.isEmpty else { return .failure(Failure(mapping: name, problems: errors.map { place + $0.description })) }
                    warnings += mapped.issues
                    bundles.append(try mapped.bundle())
                } catch {
                    return .failure(Failure(mapping: name, problems: [place + error.description]))
                }
            }
            result = builder.build(bundles.count == 1 ? bundles[0] : BundleMerger.merge(bundles))
        default:
            return .failure(Failure(mapping: name, problems: ["claims are built from FHIR or HL7 v2; this message is \(format)"]))
        }
        warnings += result.issues.map {
            MappingIssue(severity: $0.severity == .error ? .error : .warning, input: $0.input, rule: $0.rule, message: $0.message)
        }
        var errors: [String] = []
        if !result.documents.contains(where: { Self.lineTables.contains($0.table.name) && !$0.records.isEmpty }) {
            errors.append(
                "the claim has no line (no drug, service or supply): claims are built on the visit's billing message (DFT^P03); "
                    + "route only those to claims (message-types)")
        }
        errors += ClaimValidator().validate(result.documents).filter { $0.severity == .error }.map {
            "\($0.table) record \($0.record) \($0.field) [\($0.rule)]: \($0.english)"
        }
        guard errors.isEmpty else { return .failure(Failure(mapping: name, problems: errors)) }
        do {
            let envelope = try result.envelope()
            return .success(Output(payload: [UInt8](try envelope.xml()), format: .claimsXML, warnings: warnings))
        } catch {
            return .failure(Failure(mapping: name, problems: ["\(error)"]))
        }
    }
}
