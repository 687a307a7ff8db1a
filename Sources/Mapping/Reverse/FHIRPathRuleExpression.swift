public import FHIR

/// A FHIRPath expression of a mapping rule, compiled, with its text: the sources and conditions of
/// the FHIR → HL7 v2 maps (and of the FHIR → claims maps in `InsuranceVN`).
public struct FHIRPathRuleExpression: Sendable, CustomStringConvertible {
    /// The text as written.
    public var text: String
    /// The compiled expression.
    public var path: FHIRPath

    public var description: String { text }

    /// `text` compiled; `nil` when it is not FHIRPath, with an error for `file` at `line` and
    /// the column of the fault (`column` is `text`'s) appended to `errors`.
    package init?(compiling text: Substring, file: String, line: Int, column: Int, errors: inout [MappingError]) {
        do throws(FHIRPathError) {
            self.path = try FHIRPath(String(text))
            self.text = String(text)
        } catch {
            errors.append(MappingError(file: file, line: line, column: column + error.offset, "not a FHIRPath expression: \(error.message)"))
            return nil
        }
    }
}
