// The loop `bench/instructions/run` counts for issue 4: `fhir-rounds ROUNDS FILE…` validates each
// file once (the warm-up: definitions compiled on first use), then ROUNDS times inside
// `timedRounds`, the only function callgrind counts (`--toggle-collect`).
import FHIR
import Foundation

@inline(never) func timedRounds(_ rounds: Int, _ inputs: [[UInt8]], _ validator: Validator) -> Int {
    var issues = 0
    for _ in 0..<rounds {
        for input in inputs { issues += validator.validate(json: input, profiles: []).issues.count }
    }
    return issues
}

let arguments = CommandLine.arguments
let rounds = Int(arguments[1])!
let inputs = arguments.dropFirst(2).map { Array(FileManager.default.contents(atPath: $0)!) }
let validator = Validator.standard(definitions: .r4)
var issues = 0
for input in inputs { issues += validator.validate(json: input, profiles: []).issues.count }
print(issues + timedRounds(rounds, inputs, validator))
