import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
@testable import Server

/// The dashboard's static files: redirects, content types, the security headers, 404 for what is
/// not one of its files (paths that climb out of the folder included).
@Suite struct DashboardRoutesTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    func withRoutes(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = Router()
        DashboardRoutes().add(to: router)
        let application = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: Self.logger)
        try await application.test(.router, body)
    }

    @Test func theRootAndTheBareFolderRedirectToTheDashboard() async throws {
        try await withRoutes { client in
            for path in ["/", "/dashboard"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .found, "\(path)")
                    #expect(response.headers[.location] == "/dashboard/", "\(path)")
                }
            }
        }
    }

    @Test func theFilesAreServedWithTheirTypeAndTheSecurityHeaders() async throws {
        let files = DashboardRoutes().fileNames
        #expect(files.contains("index.html") && files.contains("app.js") && files.contains("dashboard.css"), "\(files)")
        try await withRoutes { client in
            let expected = [
                "/dashboard/": "text/html; charset=utf-8", "/dashboard/index.html": "text/html; charset=utf-8",
                "/dashboard/app.js": "text/javascript; charset=utf-8", "/dashboard/dashboard.css": "text/css; charset=utf-8",
            ]
            for (path, type) in expected {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.contentType] == type, "\(path)")
                    #expect(response.headers[.cacheControl] == "no-cache", "\(path)")
                    #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(path)")
                    let policy = try #require(response.headers[.contentSecurityPolicy], "\(path)")
                    #expect(policy.hasPrefix("default-src 'self'") && !policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
                    #expect(response.body.readableBytes > 0)
                }
            }
            try await client.execute(uri: "/dashboard/", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains(#"<script type="module" src="app.js">"#), "the page loads its script as a module")
                #expect(!html.contains("<script>") && !html.contains("<style") && !html.contains(" style="), "nothing inline")
                #expect(!html.contains("http://") && !html.contains("https://"), "nothing fetched from the network")
            }
        }
    }

    @Test func everyModuleTheScriptsImportIsServed() async throws {
        let routes = DashboardRoutes()
        for name in routes.fileNames where name.hasSuffix(".js") {
            let text = String(decoding: try #require(routes.files[name]).bytes, as: UTF8.self)
            let imports = text.matches(of: /from\s+['"]\.\/([^'"]+)['"]/).map { String($0.1) }
            for imported in imports {
                #expect(routes.files[imported] != nil, "\(name) imports \(imported)")
            }
        }
    }

    @Test func everyStringIsInVietnameseAndEnglish() throws {
        let text = String(decoding: try #require(DashboardRoutes().files["i18n.js"]).bytes, as: UTF8.self)
        let english = try #require(text.firstRange(of: "  en: {"))
        let vietnamese = try #require(text.firstRange(of: "  vi: {"))
        #expect(english.lowerBound < vietnamese.lowerBound)
        func keys(_ part: Substring) -> Set<String> {
            Set(part.matches(of: #/\n    '([\w.-]+)': /#).map { String($0.1) })
        }
        let englishKeys = keys(text[english.upperBound..<vietnamese.lowerBound])
        let vietnameseKeys = keys(text[vietnamese.upperBound...])
        #expect(englishKeys.count > 100)
        #expect(englishKeys == vietnameseKeys, "only in one language: \(englishKeys.symmetricDifference(vietnameseKeys).sorted())")
        for word in ["hàng đợi", "Thư chết", "Phát lại", "Tin nhắn", "Đăng nhập", "Huỷ bỏ"] {
            #expect(text[vietnamese.upperBound...].contains(word), "\(word) in the Vietnamese strings")
        }
    }

    @Test(arguments: [
        "/dashboard/nope.js", "/dashboard/../Package.swift", "/dashboard/..%2F..%2FPackage.swift", "/dashboard/%2e%2e/AdminAPI.swift",
        "/dashboard/Resources/dashboard/index.html", "/dashboard/index.html/x", "/dashboard/.%2Findex.html",
    ])
    func anythingButADashboardFileIs404(path: String) async throws {
        try await withRoutes { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .notFound, "\(path): \(String(buffer: response.body))")
                #expect(!String(buffer: response.body).contains("import"), "no source served")
            }
        }
    }
}
