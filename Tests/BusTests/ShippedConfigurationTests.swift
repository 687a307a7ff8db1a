import Foundation
import PostgresStore
import Store
import Testing
@testable import Bus

/// Every configuration shipped under `docs/examples/` and `docker/` loads as `lienthong config
/// check` loads it: the YAML with the secrets it reads from the environment set, then the
/// mappings folder its routes name, checked against the routes.
@Suite struct ShippedConfigurationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let files: [URL] = ["docs/examples", "docker"].flatMap { folder -> [URL] in
        let url = root.appendingPathComponent(folder)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.sorted().filter { $0.hasSuffix(".yaml") && $0 != "compose.yaml" }.map { url.appendingPathComponent($0) }
    }

    static let secrets = ["LIENTHONG_GATEWAY_PASSWORD": "test", "LIENTHONG_DB_PASSWORD": "test", "NATIONAL_PLATFORM_TOKEN": "test"]

    @Test func theExamplesAreFound() {
        let names = Set(Self.files.map(\.lastPathComponent))
        #expect(names.isSuperset(of: ["lienthong.yaml", "hospital.yaml", "province-hub.yaml"]), "\(names)")
        #expect(Self.files.count >= 4)
    }

    @Test(arguments: ShippedConfigurationTests.files)
    func loadsAsConfigCheckDoes(_ file: URL) throws {
        let configuration = try BusConfiguration(contentsOf: file, environment: Self.secrets)
        if configuration.needsMappings {
            let catalog = try MappingCatalog(folder: configuration.mappings.folder, claimsFacility: configuration.mappings.claimsFacility)
            try configuration.validate(mappings: catalog, file: file.path)
        }
        #expect(!configuration.channels.isEmpty)
    }

    @Test func theHospitalHasEveryPartOfIssue7() throws {
        let configuration = try BusConfiguration(
            contentsOf: Self.root.appendingPathComponent("docs/examples/hospital.yaml"), environment: Self.secrets)
        #expect(configuration.channels.map(\.name) == ["his", "emr", "pacs-drop"])
        #expect(configuration.channels[2].folder != nil)
        #expect(configuration.destinations.map(\.name) == ["national-platform", "lis", "insurance-gateway"])
        guard case .sqlite(let store) = configuration.store else {
            Issue.record("expected SQLite")
            return
        }
        #expect(store.retention == .seconds(90 * 86_400))
    }

    @Test func theProvinceHubRunsOnPostgreSQL() throws {
        let configuration = try BusConfiguration(
            contentsOf: Self.root.appendingPathComponent("docs/examples/province-hub.yaml"), environment: Self.secrets)
        guard case .postgres(let store) = configuration.store else {
            Issue.record("expected PostgreSQL")
            return
        }
        #expect(store.retention == .seconds(180 * 86_400))
        #expect(configuration.channels.count == 4)
    }
}
