import Foundation
import PostgresStore
import Testing
@testable import Bus

@Suite struct PostgresConfigurationTests {
    func load(_ yaml: String, environment: [String: String] = [:]) throws(ConfigurationError) -> BusConfiguration {
        try BusConfiguration(yaml: yaml, file: "bus.yaml", baseDirectory: URL(fileURLWithPath: "/srv/lienthong"), environment: environment)
    }

    func failure(_ yaml: String, environment: [String: String] = [:]) -> ConfigurationError? {
        do {
            _ = try load(yaml, environment: environment)
            return nil
        } catch {
            return error
        }
    }

    static let destinations = """
        channels:
          his: {mllp: {port: 2575}}
        destinations:
          out: {file: {directory: out}}
        """

    @Test func readsAPostgresStoreWithItsPasswordFromTheEnvironment() throws {
        let fromURL = try load("""
            store:
              postgres:
                url: postgres://bus:${DB_PASSWORD}@db.internal:6432/lienthong?sslmode=require
                pool-size: 24
                schema: bus_a
                retention: 90d
            \(Self.destinations)
            """, environment: ["DB_PASSWORD": "pa:ss"])
        guard case .postgres(let store) = fromURL.store else { Issue.record("not PostgreSQL"); return }
        #expect(store.host == "db.internal" && store.port == 6432 && store.username == "bus" && store.database == "lienthong")
        #expect(store.password == "pa:ss")
        #expect(store.poolSize == 24 && store.schema == "bus_a" && store.tls == .require)
        #expect(store.retention == .seconds(90 * 86_400))
        #expect(!store.description.contains("pa:ss"))

        let fromVariable = try load("""
            store:
              postgres: {url: "postgres://bus@db.internal/lienthong", password-env: LIENTHONG_DB_PASSWORD}
            \(Self.destinations)
            """, environment: ["LIENTHONG_DB_PASSWORD": "s3cret"])
        guard case .postgres(let other) = fromVariable.store else { Issue.record("not PostgreSQL"); return }
        #expect(other.password == "s3cret" && other.poolSize == PostgresStore.Configuration().poolSize)
        #expect(other.retention == nil)
    }

    @Test func postgresMistakesAreNamedWithoutThePassword() throws {
        let missingVariable = try #require(failure("""
            store:
              postgres: {url: "postgres://bus@db/lienthong", password-env: NOPE}
            \(Self.destinations)
            """))
        #expect(missingVariable.key == "store.postgres.password-env")
        #expect(missingVariable.message.contains("NOPE"))

        let badURL = try #require(failure("""
            store:
              postgres: {url: "mysql://bus:hunter2@db/lienthong"}
            \(Self.destinations)
            """))
        #expect(badURL.key == "store.postgres.url")
        #expect(!badURL.description.contains("hunter2"))

        let badSchema = try #require(failure("""
            store:
              postgres: {url: "postgres://bus@db/lienthong", schema: Bus-A}
            \(Self.destinations)
            """))
        #expect(badSchema.key == "store.postgres.schema")

        let shortRetention = try #require(failure("""
            store:
              postgres: {url: "postgres://bus@db/lienthong", retention: 1h}
            \(Self.destinations)
            """))
        #expect(shortRetention.key == "store.postgres.retention")

        let both = try #require(failure("""
            store:
              sqlite: {path: bus.sqlite}
              postgres: {url: "postgres://bus@db/lienthong"}
            \(Self.destinations)
            """))
        #expect(both.key == "store")
        #expect(both.message.contains("exactly one"))
    }
}
