import HL7v2
@testable import Mapping

/// Compares the key fields of an HL7 v2 message with the same message read into FHIR and written
/// back (issue 5's round trip), and says where they differ (places only, never values).
///
/// What FHIR does not keep is compared as far as it is kept, and said here:
/// - PID-3 and PID-5: the round trip's repetitions start with the original's (the Patient also
///   holds PID-2, PID-4, PID-9 and the identifiers and names of other segments, which come back
///   after them); an identifier by CX.1 and CX.5, a name by family, given names (XPN.2 and
///   XPN.3 as one list), suffix, prefix and type.
/// - PID-7: the date (`birthDate` is a FHIR `date`).
/// - OBX-2: ST, TX and FT are one FHIR type (`string`) and come back as ST.
/// - Coded values (OBR-4, OBX-3) by their first triplet, CWE.1 to CWE.3; OBX-6 by the unit
///   (CWE.1), and its coding system when that is UCUM (the only one a Quantity keeps).
/// - The original OBX come first; more may follow (the Observations of other segments, such as
///   PDA's, are OBX in an ADT^A08).
/// - OBX-11 by what it means in FHIR (`S` and `P` are both `preliminary`, which comes back as `P`).
struct RoundTripComparison {
    /// HL7 table 0085 → FHIR observation status.
    let observationStatus: VocabularyMap
    let original: Message
    let roundTrip: Message

    /// The places whose values differ, e.g. `OBX[3]-5`.
    var differences: [String] {
        var differences: [String] = []
        func check(_ place: String, _ same: Bool) { if !same { differences.append(place) } }
        if let pid = original.segment("PID") {
            let other = roundTrip.segment("PID")
            let ids = Self.repetitions(pid, 3).map { [Self.text($0, 1), Self.text($0, 5)] }
            let otherIDs = other.map { Self.repetitions($0, 3).map { [Self.text($0, 1), Self.text($0, 5)] } } ?? []
            check("PID-3", otherIDs.starts(with: ids))
            let names = Self.repetitions(pid, 5).map(Self.name)
            let otherNames = other.map { Self.repetitions($0, 5).map(Self.name) } ?? []
            check("PID-5", otherNames.starts(with: names))
            check("PID-7", Self.text(other, 7).map { $0 == Self.text(pid, 7)?.prefix(8).description } ?? (Self.text(pid, 7) == nil))
            check("PID-8", Self.text(other, 8) == Self.text(pid, 8))
        }
        if let pv1 = original.segment("PV1") {
            check("PV1-2", Self.text(roundTrip.segment("PV1"), 2) == Self.text(pv1, 2))
        }
        // An ORC the original has comes back with its order numbers (one without ORC gets one per OBR).
        for (index, (orc, other)) in zip(original.segments("ORC"), roundTrip.segments("ORC")).enumerated() {
            for field in 1...3 { check("ORC[\(index + 1)]-\(field)", Self.text(orc, field) == Self.text(other, field)) }
        }
        let reports = original.segments("OBR"), otherReports = roundTrip.segments("OBR")
        check("OBR count", reports.count == otherReports.count)
        for (index, (obr, other)) in zip(reports, otherReports).enumerated() {
            check("OBR[\(index + 1)]-4", Self.triplet(obr, 4) == Self.triplet(other, 4))
        }
        let results = original.segments("OBX"), otherResults = roundTrip.segments("OBX")
        check("OBX count", results.count <= otherResults.count)
        for (index, (obx, other)) in zip(results, otherResults).enumerated() {
            let place = "OBX[\(index + 1)]"
            let type = Self.text(obx, 2).map { ["TX", "FT"].contains($0) ? "ST" : $0 }
            check("\(place)-2", type == Self.text(other, 2))
            check("\(place)-3", Self.triplet(obx, 3) == Self.triplet(other, 3))
            check("\(place)-5", obx.field(5)?.er7 == other.field(5)?.er7)
            let unit = Self.triplet(obx, 6), otherUnit = Self.triplet(other, 6)
            check("\(place)-6", unit.first == otherUnit.first && (unit.last != "UCUM" || otherUnit.last == "UCUM"))
            let status = Self.text(obx, 11), otherStatus = Self.text(other, 11)
            check("\(place)-11", status.flatMap { observationStatus.target(of: $0)?.code } == otherStatus.flatMap { observationStatus.target(of: $0)?.code })
            check("\(place)-14", Self.text(obx, 14) == Self.text(other, 14))
        }
        return differences
    }

    static func text(_ segment: Segment?, _ field: Int) -> String? {
        guard let element = segment?.field(field)?.repetition(1), !element.isEmpty else { return nil }
        return element.child(1)?.text()
    }

    static func repetitions(_ segment: Segment, _ field: Int) -> [HL7v2.Element] {
        (segment.field(field)?.repetitions ?? []).filter { !$0.isEmpty }
    }

    static func text(_ repetition: HL7v2.Element, _ component: Int, _ subcomponent: Int? = nil) -> String {
        var element = repetition.child(component)
        if let subcomponent { element = element?.child(subcomponent) }
        return element?.text() ?? ""
    }

    static func name(_ repetition: HL7v2.Element) -> [String] {
        let given = (text(repetition, 2) + " " + text(repetition, 3)).split(separator: " ").joined(separator: " ")
        return [text(repetition, 1, 1), given, text(repetition, 4), text(repetition, 5), text(repetition, 7)]
    }

    static func triplet(_ segment: Segment, _ field: Int) -> [String] {
        guard let repetition = segment.field(field)?.repetition(1) else { return [] }
        return (1...3).map { text(repetition, $0) }
    }
}
