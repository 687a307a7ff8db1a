import Testing
@testable import HL7v2

/// The structure matcher on random segment sequences: its explanations are consistent, and
/// it stays fast whatever the input.
@Suite struct ValidatorMatcherTests {
    /// A small deterministic generator (64-bit LCG), so failures reproduce.
    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static let cases: [(version: String, structure: String)] = [
        ("2.5", "ADT_A01"), ("2.5", "ORU_R01"), ("2.5.1", "OML_O21"), ("2.5", "ORM_O01"), ("2.7", "CCI_I22"),
        ("2.3", "ADT_A01"), ("2.8", "SIU_S12"), ("2.6", "VXU_V04"), ("2.5", "RSP_K21"),
    ]

    @Test(arguments: 0..<cases.count)
    func explanationsRepairTheSequence(_ index: Int) throws {
        let (version, id) = Self.cases[index]
        let definitions = try Definitions.load(version: version)
        let automaton = try #require(definitions.automata[id])
        let matcher = StructureMatcher(automaton: automaton)
        let alphabet = automaton.symbols.sorted()
        var generator = Generator(state: UInt64(index + 1))
        let msh = try #require(definitions.symbols["MSH"])
        for round in 0..<80 {
            // MSH, then a random mix of the structure's segments.
            let length = generator.next(25)
            let inputs = [msh] + (0..<length).map { _ in alphabet[generator.next(alphabet.count)] }
            let steps = matcher.explain(inputs)
            // Every input is either matched or unexpected, once and in order.
            var consumed: [Int] = []
            var repaired: [Int32] = []
            var errors = 0
            for step in steps {
                switch step {
                case .match(let input, _):
                    consumed.append(input)
                    repaired.append(inputs[input])
                case .unexpected(let input, _):
                    consumed.append(input)
                    errors += 1
                case .missing(let element, _):
                    let segment = try #require(automaton.elements[Int(element)].segment)
                    repaired.append(try #require(definitions.symbols[segment]))
                    errors += 1
                }
            }
            #expect(consumed == Array(inputs.indices), "\(id) round \(round)")
            // Dropping the unexpected segments and adding the missing ones gives a valid sequence.
            #expect(matcher.accepts(repaired), "\(id) round \(round)")
            #expect(matcher.accepts(inputs) == (errors == 0), "\(id) round \(round)")
            #expect(errors <= inputs.count + 20)
        }
    }

    @Test func validSequenceHasNoErrors() throws {
        let definitions = try Definitions.load(version: "2.5")
        let automaton = try #require(definitions.automata["ADT_A01"])
        let inputs = try ["MSH", "EVN", "PID", "NK1", "NK1", "PV1", "IN1", "IN1", "IN2"].map { try #require(definitions.symbols[$0]) }
        let matcher = StructureMatcher(automaton: automaton)
        #expect(matcher.accepts(inputs))
        #expect(matcher.explain(inputs).allSatisfy { if case .match = $0 { true } else { false } })
    }

    @Test func hostileInputStaysFast() throws {
        // 1000 segments in the worst order for a big structure: still one pass per bound.
        let definitions = try Definitions.load(version: "2.7")
        let automaton = try #require(definitions.automata["CCI_I22"])
        let alphabet = automaton.symbols.sorted().reversed()
        let inputs = [try #require(definitions.symbols["MSH"])] + (0..<1000).map { alphabet[alphabet.index(alphabet.startIndex, offsetBy: $0 % alphabet.count)] }
        let clock = ContinuousClock()
        let started = clock.now
        let steps = StructureMatcher(automaton: automaton).explain(inputs)
        #expect(clock.now - started < .seconds(10))
        #expect(steps.count >= inputs.count)
    }
}
