import Bus
import Foundation
import HL7v2
import Hummingbird
import Store

extension AdminAPI {
    /// `GET /api/messages/{id}/hl7` (operator: it is content): the stored HL7 v2 message parsed
    /// and shown segment by segment, each field with its position, its name and data type from
    /// the HL7 v2 definitions of the message's version (MSH-12; the closest lower version when
    /// there are none for it), its value and its repetitions' components. 422 when the message is
    /// not HL7 v2 or cannot be parsed, 404 when there is no such message. The view is audited
    /// (``Store/AuditAction/viewMessage``) before it is shown, as `GET /api/messages/{id}` is.
    func addHL7View<Context: RequestContext>(to router: Hummingbird.Router<Context>) {
        router.get("/api/messages/{id}/hl7") { request, context in
            try await authorized(request, context, .operator) { caller in
                guard let id = context.parameters.get("id").flatMap(Int64.init) else { return Self.error(.badRequest, "expected a message id") }
                return try await hl7View(MessageID(rawValue: id), caller: caller, client: Self.client(context))
            }
        }
    }

    func hl7View(_ id: MessageID, caller: AdminCaller, client: String?) async throws -> Response {
        guard let stored = try await store.message(id) else { return Self.error(.notFound, "no message \(id.rawValue)") }
        // Content is shown only once its view is in the audit log.
        try await auditor?.record(.viewMessage, by: caller.actor, target: "message \(id.rawValue)", detail: "admin API, HL7 v2 view", client: client)
        guard stored.format == .hl7v2 else {
            return Self.error(.unprocessableContent, "message \(id.rawValue) is \(stored.format.rawValue), not HL7 v2")
        }
        let message: HL7v2.Message
        do {
            message = try HL7v2.Message(stored.raw)
        } catch {
            return Self.error(.unprocessableContent, "message \(id.rawValue) cannot be parsed as HL7 v2: \(error)")
        }
        return Self.json(HL7View(id: id.rawValue, message: message))
    }

    /// The answer of `GET /api/messages/{id}/hl7`.
    struct HL7View: Encodable {
        /// A component of a field's repetition.
        struct Component: Encodable {
            var position: Int
            /// The component's name (upper snake case, as in the definitions), when defined.
            var name: String?
            var dataType: String?
            /// The component's text, unescaped; ER7 text when it has subcomponents.
            var value: String
        }

        /// One repetition of a field: its value and, when it has components, each of them.
        struct Repetition: Encodable {
            var value: String
            var components: [Component]?
        }

        struct Field: Encodable {
            var position: Int
            /// The field's name (upper snake case, as in the definitions), when defined.
            var name: String?
            var dataType: String?
            /// The whole field as ER7 text (escapes and delimiters intact); unescaped when it is
            /// a single value.
            var value: String
            /// Present when the field repeats or has components.
            var repetitions: [Repetition]?
        }

        struct Segment: Encodable {
            /// The segment's ID, e.g. `PID`.
            var id: String
            /// Its position in the message, from 1.
            var index: Int
            var fields: [Field]
        }

        var message: Int64
        /// MSH-12 as sent.
        var version: String?
        /// The version of the definitions used for the names, when any apply.
        var definitionsVersion: String?
        var segments: [Segment]

        init(id: Int64, message: HL7v2.Message) {
            self.message = id
            version = message.version
            let definitions = message.version.flatMap(HL7v2.Definitions.resolve).flatMap { try? HL7v2.Definitions.load(version: $0.version) }
            definitionsVersion = definitions?.version
            segments = message.segments.enumerated().map { offset, segment -> Segment in
                let definition = definitions?.segment(segment.id)
                var fields: [Field] = []
                for number in stride(from: 1, through: segment.fieldCount, by: 1) {
                    guard let element = segment.field(number) else { continue }
                    let fieldDefinition = definition?.field(number)
                    let components = fieldDefinition.flatMap { definitions?.dataType($0.dataType) }
                    var field = Field(position: number, name: fieldDefinition?.name, dataType: fieldDefinition?.dataType, value: element.value)
                    if !element.isLeaf {
                        field.repetitions = element.repetitions.map { repetition -> Repetition in
                            guard !repetition.isLeaf else { return Repetition(value: repetition.value) }
                            let children = repetition.children.enumerated().map { index, component -> Component in
                                let definition = components.flatMap { index < $0.count ? $0[index] : nil }
                                return Component(position: index + 1, name: definition?.name, dataType: definition?.dataType, value: component.value)
                            }
                            return Repetition(value: repetition.er7, components: children)
                        }
                    }
                    fields.append(field)
                }
                return Segment(id: segment.id, index: offset + 1, fields: fields)
            }
        }
    }
}
