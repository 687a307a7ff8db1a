import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

extension Response {
    /// A JSON answer (`application/json`, keys sorted, dates ISO 8601): what the admin,
    /// operations and admin-API routes answer with.
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let body = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
