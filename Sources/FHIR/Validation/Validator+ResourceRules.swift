extension Validator.Walk {
    /// The rules of particular resource types that their definitions do not state, once per
    /// resource.
    mutating func checkResourceRules(_ resource: Element, path: String) {
        switch resource.type {
        case "Bundle": checkBundle(resource, path: path)
        case "QuestionnaireResponse": checkQuestionnaireResponse(resource, path: path)
        case "Questionnaire": checkQuestionnaire(resource, path: path)
        case "CodeSystem": checkCodeSystemResource(resource, path: path)
        case "ValueSet": checkValueSetResource(resource, path: path)
        case "SearchParameter": checkSearchParameter(resource, path: path)
        case "StructureDefinition": checkStructureDefinition(resource, path: path)
        case "ConceptMap": checkConceptMap(resource, path: path)
        case "MeasureReport": checkMeasureReport(resource, path: path)
        default: break
        }
    }
}
