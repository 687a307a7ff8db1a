import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore

/// The web dashboard's static files (HTML, CSS, JavaScript modules), shipped as resources of
/// this module (`Resources/dashboard`) and served by the bus's HTTP listener beside the admin
/// API (``AdminAPI``), which the pages call:
///
/// | request | answer |
/// | --- | --- |
/// | `GET /`, `GET /dashboard` | 302 to `/dashboard/` |
/// | `GET /dashboard/` | `index.html` |
/// | `GET /dashboard/{file}` | the file, or 404 when the dashboard has no such file |
///
/// Every file is read once, when the routes are made; a request names a file of that set, so no
/// path (`..`, encoded slashes) reaches the file system. Answers carry a strict
/// Content-Security-Policy (`default-src 'self'`, no inline script or style, no framing),
/// `Cache-Control: no-cache`, `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`.
public struct DashboardRoutes: Sendable {
    /// A file served: its bytes and content type.
    struct File: Sendable {
        var bytes: [UInt8]
        var contentType: String
    }

    /// The files by name (`index.html`, `app.js`, …).
    let files: [String: File]

    /// The Content-Security-Policy of every answer.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

    /// The content types by file extension.
    static let contentTypes = [
        "html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
        "mjs": "text/javascript; charset=utf-8", "json": "application/json", "svg": "image/svg+xml", "png": "image/png",
        "ico": "image/x-icon", "txt": "text/plain; charset=utf-8",
    ]

    /// Reads the dashboard's files from this module's resources.
    public init() {
        var files: [String: File] = [:]
        if let folder = Bundle.module.url(forResource: "dashboard", withExtension: nil, subdirectory: "Resources"),
            let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        {
            for name in names {
                guard let type = Self.contentTypes[(name as NSString).pathExtension.lowercased()],
                    let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path)
                else { continue }
                files[name] = File(bytes: Array(data), contentType: type)
            }
        }
        self.files = files
    }

    /// The names of the files served (for tests).
    var fileNames: [String] { files.keys.sorted() }

    /// Adds the routes to `router`.
    public func add<Context: RequestContext>(to router: Hummingbird.Router<Context>) {
        router.get("/") { _, _ in Self.redirect(to: "/dashboard/") }
        // The router matches `/dashboard` and `/dashboard/` alike; the path tells them apart.
        router.get("/dashboard") { request, _ in
            request.uri.path.hasSuffix("/") ? serve("index.html") : Self.redirect(to: "/dashboard/")
        }
        router.get("/dashboard/{file}") { _, context in
            serve(context.parameters.get("file") ?? "")
        }
    }

    /// The file `name`, or 404.
    func serve(_ name: String) -> Response {
        guard let file = files[name] else {
            var response = Response(
                status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: "no such file\n")))
            Self.addSecurityHeaders(&response.headers)
            return response
        }
        var response = Response(
            status: .ok, headers: [.contentType: file.contentType], body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
        Self.addSecurityHeaders(&response.headers)
        return response
    }

    static func redirect(to location: String) -> Response {
        var response = Response(status: .found, headers: [.location: location])
        addSecurityHeaders(&response.headers)
        return response
    }

    static func addSecurityHeaders(_ headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.cacheControl] = "no-cache"
        headers[.xContentTypeOptions] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
    }
}
