@testable import FHIR
import Foundation

/// Shared helpers of the FHIRPath tests.
enum FHIRPathTesting {
    /// The official R4 examples folder in the corpus.
    static let examples = "fhir/fhir-test-cases/r4/examples"

    /// An example resource of the corpus, read once.
    static func example(_ name: String) throws -> Element {
        try Element(json: Corpus.bytes("\(examples)/\(name)"))
    }

    static let patient: Element = {
        do { return try example("patient-example.json") } catch { preconditionFailure("patient-example.json: \(error)") }
    }()

    /// The result of an expression on an input (none when `nil`).
    static func evaluate(_ expression: String, on input: Element? = nil, environment: FHIRPathEnvironment = FHIRPathEnvironment()) throws -> [FHIRPathValue] {
        let path = try FHIRPath(expression)
        if let input { return try path.evaluate(input, environment: environment) }
        return try path.evaluate([], environment: environment)
    }

    /// The result as texts (`toString()` of each item).
    static func texts(_ expression: String, on input: Element? = nil, environment: FHIRPathEnvironment = FHIRPathEnvironment()) throws -> [String] {
        try evaluate(expression, on: input, environment: environment).map(\.description)
    }

    /// The error of an expression that must fail, compiled or evaluated.
    static func error(_ expression: String, on input: Element? = nil) -> FHIRPathError? {
        do {
            _ = try evaluate(expression, on: input)
            return nil
        } catch let error as FHIRPathError {
            return error
        } catch {
            return nil
        }
    }
}
