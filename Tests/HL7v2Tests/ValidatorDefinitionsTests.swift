import Testing
@testable import HL7v2

/// The shipped definitions: every version loads, and the structures LienThong promises exist.
@Suite struct ValidatorDefinitionsTests {
    static let versions = ["2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.8", "2.8.1", "2.8.2"]  // no 2.7.1 in the data
    static let events = (1...13).map { $0 < 10 ? "A0\($0)" : "A\($0)" } + ["A28", "A31", "A40"]

    @Test(arguments: Definitions.versions)
    func everyVersionLoadsAndCompiles(_ version: String) throws {
        let definitions = try Definitions.load(version: version)
        #expect(definitions.version == version)
        #expect(definitions.structureIDs.count > 30)
        #expect(definitions.automata.count == definitions.structureIDs.count)
        #expect(definitions.segment("MSH") != nil)
        // Loaded once: the same instance comes back.
        #expect(try Definitions.load(version: version) === definitions)
        // Every structure starts with MSH.
        for id in definitions.structureIDs {
            #expect(definitions.structure(id)?.elements.first?.kind == .segment("MSH"), "\(version) \(id)")
        }
    }

    @Test(arguments: versions)
    func requiredStructuresExist(_ version: String) throws {
        let definitions = try Definitions.load(version: version)
        for event in Self.events {
            let id = try #require(definitions.structureID(type: "ADT", event: event), "\(version) ADT^\(event)")
            #expect(definitions.structure(id) != nil, "\(version) ADT^\(event) → \(id)")
        }
        for event in ["S12", "S13", "S14", "S15"] {
            let id = try #require(definitions.structureID(type: "SIU", event: event), "\(version) SIU^\(event)")
            #expect(definitions.structure(id) != nil)
        }
        var structures = ["ORU_R01", "VXU_V04", "MDM_T02", "DFT_P03", "BAR_P01", "ACK", "SIU_S12"]
        // OML_O21 and RDE_O11 are new in 2.4 (2.3 and 2.3.1 have ORM/RDE_O01).
        if version != "2.3" && version != "2.3.1" { structures += ["OML_O21", "RDE_O11"] }
        // ORM_O01 was withdrawn in 2.7 (replaced by OMG/OML/...).
        if !version.hasPrefix("2.7") && !version.hasPrefix("2.8") { structures.append("ORM_O01") }
        for id in structures {
            #expect(definitions.structure(id) != nil, "\(version) \(id)")
        }
    }

    @Test func knownGapsOfTheData() throws {
        #expect(try Definitions.load(version: "2.3").structure("OML_O21") == nil)
        #expect(try Definitions.load(version: "2.3.1").structure("RDE_O11") == nil)
        #expect(try Definitions.load(version: "2.7").structure("ORM_O01") == nil)
        #expect(try Definitions.load(version: "2.8").structure("ORM_O01") == nil)
        #expect(!Definitions.versions.contains("2.7.1"))
        #expect(throws: Definitions.LoadError.self) { try Definitions.load(version: "2.7.1") }
    }

    @Test func lookups() throws {
        let v25 = try Definitions.load(version: "2.5")
        #expect(v25.structureID(type: "ADT", event: "A04") == "ADT_A01")
        #expect(v25.structure("ADT_A01")?.elements.count == 22)
        #expect(v25.table("0001") == ["A", "F", "M", "N", "O", "U"])
        #expect(v25.segment("PID")?.field(3)?.dataType == "CX")
        #expect(v25.segment("PID")?.field(3)?.isRequired == true)
        #expect(v25.dataType("CX")?[4].table == "0203")
        let orm = try #require(v25.structure("ORM_O01"))
        #expect(orm.segmentIDs.isSuperset(of: ["ORC", "OBR", "RQD", "RXO"]))
    }

    @Test func messageStructuresDifferBetweenVersions() throws {
        let adt23 = try #require(try Definitions.load(version: "2.3").structure("ADT_A01"))
        let adt25 = try #require(try Definitions.load(version: "2.5").structure("ADT_A01"))
        #expect(!adt23.segmentIDs.contains("SFT"))
        #expect(adt25.segmentIDs.contains("SFT"))
        #expect(adt23 != adt25)
    }
}
