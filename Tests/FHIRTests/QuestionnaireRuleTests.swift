import Foundation
@testable import FHIR
import Testing

/// The Questionnaire rules beyond linkIds and answer types: enableWhen, the limits an item sets on
/// its answers (core and SDC extensions), the number of answers, and the rules of a Questionnaire
/// itself.
@Suite("Questionnaire rules")
struct QuestionnaireRuleTests {
    /// Validates `response` (its items) against a Questionnaire with `items`.
    func errors(items: String, response: String, status: String = "completed") throws -> [String] {
        let questionnaire = #"{"resourceType":"Questionnaire","url":"http://example.org/q/t","status":"active","item":["# + items + "]}"
        let definitions = Definitions.r4.adding(resources: [try Element.untyped(json: Array(questionnaire.utf8))])
        let text = #"{"resourceType":"QuestionnaireResponse","questionnaire":"http://example.org/q/t","status":""# + status + #"","item":["# + response + "]}"
        return Validator.standard(definitions: definitions).validate(json: Array(text.utf8)).errors.map { "\($0.expression): \($0.message)" }
    }

    func ext(_ name: String, _ value: String) -> String {
        #"{"url":"http://hl7.org/fhir/StructureDefinition/"# + name + #"","# + value + "}"
    }

    @Test("a disabled item needs no answer and may have none; enableBehavior all needs every condition")
    func enableWhen() throws {
        let items = #"""
            {"linkId":"a","type":"integer"},{"linkId":"b","type":"integer"},
            {"linkId":"c","type":"integer","required":true,"enableBehavior":"all",
             "enableWhen":[{"question":"a","operator":"=","answerInteger":1},{"question":"b","operator":">","answerInteger":2}]}
            """#
        #expect(try errors(items: items, response: #"{"linkId":"a","answer":[{"valueInteger":1}]},{"linkId":"b","answer":[{"valueInteger":2}]}"#).isEmpty)
        #expect(try errors(items: items, response: #"{"linkId":"a","answer":[{"valueInteger":1}]},{"linkId":"b","answer":[{"valueInteger":3}]}"#)
            == ["QuestionnaireResponse: no answer for the required item 'c'"])
        #expect(try errors(items: items, response: #"{"linkId":"a","answer":[{"valueInteger":0}]},{"linkId":"c","answer":[{"valueInteger":5}]}"#)
            == ["QuestionnaireResponse.item[1]: the item 'c' has answers, but it is not enabled"])
        // Any (the default): one condition is enough.
        let any = items.replacingOccurrences(of: #""enableBehavior":"all","#, with: "")
        #expect(try errors(items: any, response: #"{"linkId":"a","answer":[{"valueInteger":1}]},{"linkId":"c","answer":[{"valueInteger":5}]}"#).isEmpty)
    }

    @Test("an enableWhenExpression that is false disables the item")
    func enableWhenExpression() throws {
        let items = #"""
            {"linkId":"a","type":"boolean"},
            {"extension":[{"url":"http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression",
              "valueExpression":{"language":"text/fhirpath","expression":"%resource.item.where(linkId='a').answer.value"}}],
             "linkId":"b","type":"string"}
            """#
        #expect(try errors(items: items, response: #"{"linkId":"a","answer":[{"valueBoolean":true}]},{"linkId":"b","answer":[{"valueString":"x"}]}"#).isEmpty)
        #expect(try errors(items: items, response: #"{"linkId":"a","answer":[{"valueBoolean":false}]},{"linkId":"b","answer":[{"valueString":"x"}]}"#)
            == ["QuestionnaireResponse.item[1]: the item 'b' has answers, but it is not enabled"])
    }

    @Test("minValue and maxValue bound numbers and dates; minLength, maxLength and regex bound strings")
    func limits() throws {
        let number = #"{"linkId":"n","type":"decimal","extension":["# + ext("minValue", #""valueDecimal":2"#) + "," + ext("maxValue", #""valueDecimal":5.5"#) + "]}"
        #expect(try errors(items: number, response: #"{"linkId":"n","answer":[{"valueDecimal":5.5}]}"#).isEmpty)
        #expect(try errors(items: number, response: #"{"linkId":"n","answer":[{"valueDecimal":1.9}]}"#)
            == ["QuestionnaireResponse.item[0].answer[0].value: the value 1.9 is less than the allowed minimum of 2"])
        let date = #"{"linkId":"d","type":"date","repeats":true,"extension":["# + ext("maxValue", #""valueDate":"2022-06-30""#) + "]}"
        #expect(try errors(items: date, response: #"{"linkId":"d","answer":[{"valueDate":"2022-06-30"},{"valueDate":"2022-07-01"}]}"#)
            == ["QuestionnaireResponse.item[0].answer[1].value: the value 2022-07-01 is greater than the allowed maximum of 2022-06-30"])
        let string = #"{"linkId":"s","type":"string","maxLength":6,"extension":["# + ext("minLength", #""valueInteger":3"#) + ","
            + ext("regex", #""valueString":"[a-z]+@[a-z]+""#) + "]}"
        #expect(try errors(items: string, response: #"{"linkId":"s","answer":[{"valueString":"a@b"}]}"#).isEmpty)
        #expect(try errors(items: string, response: #"{"linkId":"s","answer":[{"valueString":"a@"}]}"#).count == 2)  // short, no match
        #expect(try errors(items: string, response: #"{"linkId":"s","answer":[{"valueString":"ab@cdef"}]}"#)
            == ["QuestionnaireResponse.item[0].answer[0].value: the answer is longer than the allowed maximum length of 6"])
    }

    @Test("one answer unless the item repeats; minOccurs and maxOccurs count the answers")
    func answerCounts() throws {
        #expect(try errors(items: #"{"linkId":"s","type":"string"}"#, response: #"{"linkId":"s","answer":[{"valueString":"a"},{"valueString":"b"}]}"#)
            == ["QuestionnaireResponse.item[0]: only one answer is allowed for the item 's'"])
        let counted = #"{"linkId":"s","type":"string","repeats":true,"extension":["# + ext("questionnaire-minOccurs", #""valueInteger":2"#) + ","
            + ext("questionnaire-maxOccurs", #""valueInteger":3"#) + "]}"
        #expect(try errors(items: counted, response: #"{"linkId":"s","answer":[{"valueString":"a"},{"valueString":"b"}]}"#).isEmpty)
        #expect(try errors(items: counted, response: #"{"linkId":"s","answer":[{"valueString":"a"}]}"#)
            == ["QuestionnaireResponse.item[0]: the minimum number of answers is 2 but this has 1"])
        #expect(try errors(items: counted, response: #"{"linkId":"s","answer":[{"valueString":"a"},{"valueString":"b"},{"valueString":"c"},{"valueString":"d"}]}"#)
            == ["QuestionnaireResponse.item[0]: the maximum number of answers is 3 but this has 4"])
    }

    @Test("quantities need formal units to be compared with their limits; units among the unit options")
    func quantities() throws {
        let limit = #"{"url":"http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-maxQuantity","valueQuantity":{"value":50,"system":"http://unitsofmeasure.org","code":"kg"}}"#
        let item = #"{"linkId":"w","type":"quantity","extension":["# + limit + "]}"
        #expect(try errors(items: item, response: #"{"linkId":"w","answer":[{"valueQuantity":{"value":40,"system":"http://unitsofmeasure.org","code":"kg"}}]}"#).isEmpty)
        #expect(try errors(items: item, response: #"{"linkId":"w","answer":[{"valueQuantity":{"value":60,"system":"http://unitsofmeasure.org","code":"kg"}}]}"#)
            == ["QuestionnaireResponse.item[0].answer[0].value: the quantity is greater than the allowed maximum"])
        #expect(try errors(items: item, response: #"{"linkId":"w","answer":[{"valueQuantity":{"value":40,"unit":"kg"}}]}"#)
            == ["QuestionnaireResponse.item[0].answer[0].value: the quantity cannot be compared to the allowed maximum because no formal units are specified"])
        let options = #"{"linkId":"d","type":"quantity","extension":["# + ext("questionnaire-unitOption", #""valueCoding":{"system":"http://unitsofmeasure.org","code":"km"}"#) + "]}"
        #expect(try errors(items: options, response: #"{"linkId":"d","answer":[{"valueQuantity":{"value":4,"system":"http://unitsofmeasure.org","code":"km"}}]}"#).isEmpty)
        #expect(try errors(items: options, response: #"{"linkId":"d","answer":[{"valueQuantity":{"value":4,"system":"http://unitsofmeasure.org","code":"m"}}]}"#)
            == ["QuestionnaireResponse.item[0].answer[0].value: the unit of the quantity is not one of the unit options of the item"])
    }

    @Test("attachments of the allowed mime types and size; references to the allowed resource types")
    func attachmentsAndReferences() throws {
        let attachment = #"{"linkId":"f","type":"attachment","extension":["# + ext("mimeType", #""valueCode":"image/gif""#) + ","
            + ext("maxSize", #""valueDecimal":3"#) + "]}"
        #expect(try errors(items: attachment, response: #"{"linkId":"f","answer":[{"valueAttachment":{"contentType":"image/gif","data":"YWJj"}}]}"#).isEmpty)
        #expect(try errors(items: attachment, response: #"{"linkId":"f","answer":[{"valueAttachment":{"contentType":"application/pdf","data":"YWJjZA=="}}]}"#) == [
            "QuestionnaireResponse.item[0].answer[0].value: the mime type application/pdf is not allowed for this answer (allowed: image/gif)",
            "QuestionnaireResponse.item[0].answer[0].value: the attachment is too large (allowed 3, found 4)",
        ])
        let reference = #"{"linkId":"r","type":"reference","repeats":true,"extension":["# + ext("questionnaire-referenceResource", #""valueCode":"Patient""#) + "]}"
        #expect(try errors(items: reference, response: #"{"linkId":"r","answer":[{"valueReference":{"reference":"Patient/1"}}]}"#).isEmpty)
        #expect(try errors(items: reference, response: #"{"linkId":"r","answer":[{"valueReference":{"reference":"Organization/1"}},{"valueReference":{"reference":"https://x.org/Chicken/1"}}]}"#) == [
            "QuestionnaireResponse.item[0].answer[0].value: the resource type 'Organization' in the reference is not allowed (allowed: Patient)",
            "QuestionnaireResponse.item[0].answer[1].value: the resource type Chicken in the reference is not valid",
        ])
    }

    @Test("a choice may be answered with a string (R4 answer options); an abstract question has no answers")
    func choiceTypes() throws {
        #expect(try errors(items: #"{"linkId":"c","type":"choice"}"#, response: #"{"linkId":"c","answer":[{"valueString":"x"}]}"#).isEmpty)
        #expect(try errors(items: #"{"linkId":"c","type":"question"}"#, response: #"{"linkId":"c","answer":[{"valueString":"x"}]}"#)
            == ["QuestionnaireResponse.item[0]: items of type question cannot have answers"])
    }

    @Test("a Questionnaire: enableWhen not on an inner question; more than one enableWhen needs enableBehavior (que-12)")
    func questionnaire() {
        func errors(_ items: String) -> [String] {
            let text = #"{"resourceType":"Questionnaire","status":"active","item":["# + items + "]}"
            return Validator.standard().validate(json: Array(text.utf8)).errors.map { "\($0.expression): \($0.constraintKey ?? $0.message)" }
        }
        #expect(errors(#"{"linkId":"g","type":"group","enableWhen":[{"question":"a","operator":"exists","answerBoolean":true}],"item":[{"linkId":"a","type":"boolean"}]}"#)
            == ["Questionnaire.item[0]: the enableWhen of an item cannot refer to the question 'a' inside it"])
        let two = #"[{"question":"a","operator":"exists","answerBoolean":true},{"question":"b","operator":"exists","answerBoolean":true}]"#
        #expect(errors(#"{"linkId":"a","type":"boolean"},{"linkId":"b","type":"boolean"},{"linkId":"c","type":"boolean","enableWhen":"# + two + "}")
            == ["Questionnaire.item[2]: que-12"])
        #expect(errors(#"{"linkId":"a","type":"boolean"},{"linkId":"b","type":"boolean"},{"linkId":"c","type":"boolean","enableBehavior":"any","enableWhen":"# + two + "}").isEmpty)
    }

    @Test("an Attachment's stated size is the size of its data")
    func attachmentSize() {
        func errors(_ attachment: String) -> [String] {
            let text = #"{"resourceType":"DocumentReference","status":"current","content":[{"attachment":"# + attachment + "}]}"
            return Validator().validate(json: Array(text.utf8)).errors.map { "\($0.expression): \($0.message)" }
        }
        #expect(errors(#"{"data":"YWJjZA==","size":4}"#).isEmpty)
        #expect(errors(#"{"data":"YWJjZA==","size":100}"#)
            == ["DocumentReference.content[0].attachment: the stated attachment size 100 does not match the actual size of its data 4"])
    }
}
