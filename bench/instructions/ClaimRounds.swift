// The loop `bench/instructions/run` counts for issue 6: `claim-rounds MAPPINGS ROUNDS FILE` builds
// the claim of a FHIR Bundle as `lienthong claims build --repeat` does (JSON read, tables built,
// validated, envelope written) once (the warm-up), then ROUNDS times inside `timedRounds`, the
// only function callgrind counts (`--toggle-collect`).
import FHIR
import Foundation
import InsuranceVN

func claim(_ input: [UInt8], _ builder: ClaimBuilder, _ definitions: Definitions) throws -> Int {
    let bundle = try FHIR.Element.read(json: input, definitions: definitions).0!
    let result = builder.build(bundle)
    _ = ClaimValidator().validate(result.documents)
    return try result.envelope().xml().count
}

@inline(never) func timedRounds(_ rounds: Int, _ input: [UInt8], _ builder: ClaimBuilder, _ definitions: Definitions) throws -> Int {
    var bytes = 0
    for _ in 0..<rounds { bytes += try claim(input, builder, definitions) }
    return bytes
}

let arguments = CommandLine.arguments
let maps = try ClaimMapLibrary(folder: URL(fileURLWithPath: arguments[1]))
let rounds = Int(arguments[2])!
let input = Array(FileManager.default.contents(atPath: arguments[3])!)
let builder = ClaimBuilder(maps: maps, options: .init(facilityCode: "79001"))
print(try claim(input, builder, maps.fhirDefinitions) + timedRounds(rounds, input, builder, maps.fhirDefinitions))
