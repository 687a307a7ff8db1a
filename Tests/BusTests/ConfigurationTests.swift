import FHIR
import Foundation
import HL7v2
import MLLP
import Store
import Testing
@testable import Bus

@Suite struct ConfigurationTests {
    let base = URL(fileURLWithPath: "/srv/lienthong")

    func load(_ yaml: String, environment: [String: String] = [:]) throws(ConfigurationError) -> BusConfiguration {
        try BusConfiguration(yaml: yaml, file: "bus.yaml", baseDirectory: base, environment: environment)
    }

    /// Loads `yaml`, which must fail, and returns the error.
    func failure(_ yaml: String, environment: [String: String] = [:]) -> ConfigurationError? {
        do {
            _ = try load(yaml, environment: environment)
            return nil
        } catch {
            return error
        }
    }

    @Test func readsChannelsRoutesAndDestinations() throws {
        let configuration = try load("""
            store:
              sqlite:
                path: state/bus.sqlite
                durability: power-loss
            channels:
              his:
                mllp:
                  host: 0.0.0.0
                  port: 2575
                  maximum-message-size: 2MiB
                  idle-timeout: none
                deduplication-window: 1h
                patient-id: PID-3(1).1
                routes:
                  - destination: lis
                    message-types: [ORU^R01]
                    sending-facilities: BV_A
                    when: ["PID-8 = F", "OBX-3 exists"]
                    ordering-key: PID-3.1
                  - destination: api
            destinations:
              lis:
                mllp: {host: lis.local, port: 6661, response-timeout: 2500ms}
                concurrency: 4
                retry: {initial-delay: 2s, maximum-delay: 10m, maximum-attempts: unlimited, maximum-age: 7d, jitter: none}
                on-key-failure: {move-aside-after: 3}
              api:
                http:
                  url: https://api.local/hl7
                  method: put
                  headers: {Authorization: "Bearer ${TOKEN}"}
                paused: true
            """, environment: ["TOKEN": "s3cret"])

        guard case .sqlite(let store) = configuration.store else { Issue.record("not SQLite"); return }
        #expect(store.path == "/srv/lienthong/state/bus.sqlite")
        #expect(store.durability == .full)

        let channel = try #require(configuration.channels.first)
        #expect(channel.name == "his")
        let listener = try #require(channel.listener)
        #expect(listener.host == "0.0.0.0")
        #expect(listener.port == 2575)
        #expect(listener.maximumFrameLength == 2 << 20)
        #expect(listener.idleTimeout == nil)
        #expect(channel.intake.deduplicationWindow == .seconds(3600))
        #expect(channel.intake.patientIDPath == Path("PID-3(1).1"))
        #expect(channel.routes.map(\.destination) == ["lis", "api"])
        let lisRoute = channel.routes[0]
        #expect(lisRoute.filter.types == ["ORU^R01"])
        #expect(lisRoute.filter.sendingFacilities == ["BV_A"])
        #expect(lisRoute.filter.conditions.map(\.description) == ["PID-8 = F", "OBX-3 exists"])
        #expect(lisRoute.orderingKey == Path("PID-3.1"))
        #expect(channel.routes[1].filter == .all)

        let lis = try #require(configuration.destinations.first { $0.name == "lis" })
        guard case .mllp(let client) = lis.endpoint else { Issue.record("lis is not MLLP"); return }
        #expect(client.host == "lis.local")
        #expect(client.responseTimeout == .milliseconds(2500))
        #expect(lis.concurrency == 4)
        #expect(lis.worker.retry.initialDelay == .seconds(2))
        #expect(lis.worker.retry.maximumDelay == .seconds(600))
        #expect(lis.worker.retry.maximumAttempts == nil)
        #expect(lis.worker.retry.maximumAge == .seconds(7 * 86400))
        #expect(lis.worker.retry.jitter == .none)
        #expect(lis.worker.keyPolicy == .moveAside(afterAttempts: 3))

        let api = try #require(configuration.destinations.first { $0.name == "api" })
        guard case .http(let http) = api.endpoint else { Issue.record("api is not HTTP"); return }
        #expect(http.url.absoluteString == "https://api.local/hl7")
        #expect(http.method == "PUT")
        #expect(http.headers.map(\.value) == ["Bearer s3cret"])
        #expect(api.isPaused)
    }

    @Test func errorsNameFileLineColumnAndKey() throws {
        let unknownKey = try #require(failure("""
            channels:
              his:
                mllp:
                  port: 2575
                  prot: 2576
            destinations:
              out: {file: {directory: out}}
            """))
        #expect(unknownKey.file == "bus.yaml")
        #expect(unknownKey.line == 5)
        #expect(unknownKey.column == 7)
        #expect(unknownKey.key == "channels.his.mllp.prot")
        #expect(unknownKey.description.hasPrefix("bus.yaml:5:7: channels.his.mllp.prot: unknown key"))

        let badPort = try #require(failure("""
            destinations:
              out: {file: {directory: out}}
            channels:
              his:
                mllp: {port: http}
            """))
        #expect(badPort.line == 5)
        #expect(badPort.key == "channels.his.mllp.port")
        #expect(badPort.message.contains("\"http\""))

        let badDuration = try #require(failure("""
            destinations:
              out:
                file: {directory: out}
                retry: {initial-delay: soon}
            channels: {}
            """))
        #expect(badDuration.key == "destinations.out.retry.initial-delay")
        #expect(badDuration.line == 4)

        let badFilter = try #require(failure("""
            destinations:
              out: {file: {directory: out}}
            channels:
              his:
                mllp: {port: 2575}
                routes:
                  - destination: out
                    when: ["PID-8 ~ F"]
            """))
        #expect(badFilter.key == "channels.his.routes[0].when[0]")
        #expect(badFilter.line == 8)
    }

    @Test func crossChecksNamesAndRoutes() throws {
        let unknownDestination = try #require(failure("""
            destinations:
              out: {file: {directory: out}}
            channels:
              his:
                mllp: {port: 2575}
                routes: [{destination: lab}]
            """))
        #expect(unknownDestination.key == "channels.his.routes[0].destination")
        #expect(unknownDestination.message.contains("lab"))

        let sameAddress = try #require(failure("""
            destinations:
              out: {file: {directory: out}}
            channels:
              a: {mllp: {port: 2575}}
              b: {mllp: {port: 2575}}
            """))
        #expect(sameAddress.key == "channels.b.mllp")

        let twoEndpoints = try #require(failure("""
            destinations:
              out: {file: {directory: out}, http: {url: "http://x/"}}
            channels: {}
            """))
        #expect(twoEndpoints.message.contains("only one of"))

        let badName = try #require(failure("""
            destinations:
              "out box": {file: {directory: out}}
            channels: {}
            """))
        #expect(badName.key == "destinations.out box")
    }

    @Test func environmentVariablesAreSubstitutedOrReported() throws {
        let yaml = """
            destinations:
              api:
                http: {url: "http://127.0.0.1:${API_PORT:-8080}/in", headers: {X-Key: "${API_KEY}"}}
            channels: {}
            """
        let missing = try #require(failure(yaml))
        #expect(missing.message.contains("API_KEY"))
        #expect(missing.key == "destinations.api.http.headers.X-Key")

        let configuration = try load(yaml, environment: ["API_KEY": "k"])
        guard case .http(let http) = configuration.destinations[0].endpoint else { Issue.record("not HTTP"); return }
        #expect(http.url.absoluteString == "http://127.0.0.1:8080/in")
        #expect(http.headers.first?.value == "k")
    }

    @Test func emptySectionsMeanNone() throws {
        let configuration = try load("""
            channels:
              his:
                mllp: {port: 2575}
                routes:
            destinations:
            """)
        #expect(configuration.channels.first?.routes.isEmpty == true)
        #expect(configuration.destinations.isEmpty)
    }

    @Test func invalidYAMLIsReportedWithItsLine() throws {
        let error = try #require(failure("channels:\n  his: [unclosed\ndestinations: {}\n"))
        #expect(error.line != nil)
        #expect(error.message.contains("not valid YAML"))
    }

    @Test func shippedExampleLoads() throws {
        let example = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/examples/lienthong.yaml")
        let configuration = try BusConfiguration(contentsOf: example, environment: [:])
        #expect(configuration.channels.map(\.name) == ["his", "his-fhir"])
        #expect(configuration.destinations.map(\.name) == ["lis", "adt-service", "archive"])
    }

    @Test func embeddedDefaultListensOn2575AndAtFHIRAndWritesToTheOutbox() throws {
        let configuration = BusConfiguration.embeddedDefault(dataDirectory: URL(fileURLWithPath: "/tmp/d"))
        try configuration.validate()
        #expect(configuration.channels.map(\.listener?.port) == [2575, nil])
        #expect(configuration.channels.map(\.listener?.host) == ["127.0.0.1", nil])
        #expect(configuration.channels.map(\.fhir?.path) == [nil, "/fhir"])
        #expect(configuration.needsHTTPListener)
        #expect(configuration.http == HTTPListenerConfiguration(host: "127.0.0.1", port: 8080))
        #expect(configuration.channels.allSatisfy { $0.routes.map(\.destination) == ["outbox"] })
        guard case .file(let directory) = configuration.destinations.first?.endpoint else { Issue.record("not a folder"); return }
        #expect(directory.path == "/tmp/d/outbox")
    }

    /// The VN Core profiles (`…/shared/specs/vn-core-ig/resources`).
    static let vnCore = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/specs/vn-core-ig/resources").path

    @Test func readsFHIRChannelsAndTheHTTPListener() throws {
        let configuration = try load("""
            http: {host: 0.0.0.0, port: 8443}
            channels:
              his-fhir:
                fhir:
                  path: /api/fhir
                  maximum-body-size: 2MiB
                  unknown-extensions: error
                  implementation-guides: [\(Self.vnCore)]
                  profiles: [http://fhir.ehealth.gov.vn/core/StructureDefinition/vn-core-patient]
                deduplication-window: 2h
                routes:
                  - destination: out
                    message-types: ["Bundle^admit", Patient]
              plain:
                fhir:
            destinations:
              out: {file: {directory: out}}
            """)
        #expect(configuration.http == HTTPListenerConfiguration(host: "0.0.0.0", port: 8443))
        #expect(configuration.needsHTTPListener)
        let fhir = try #require(configuration.channels.first?.fhir)
        #expect(fhir.path == "/api/fhir")
        #expect(fhir.intake.maximumBodySize == 2 << 20)
        #expect(!fhir.intake.allowsUnknownExtensions)
        #expect(configuration.channels.last?.fhir?.intake.allowsUnknownExtensions == true)
        #expect(fhir.intake.deduplicationWindow == .seconds(7200))
        #expect(fhir.intake.profiles == ["http://fhir.ehealth.gov.vn/core/StructureDefinition/vn-core-patient"])
        #expect(fhir.implementationGuides == [Self.vnCore])
        #expect(fhir.definitions.structure(url: "http://fhir.ehealth.gov.vn/core/StructureDefinition/vn-core-patient") != nil)
        #expect(configuration.channels.first?.routes.first?.filter.types == ["Bundle^admit", "Patient"])
        #expect(configuration.channels.last?.fhir?.path == "/fhir")
        #expect(configuration.channels.last?.fhir?.intake.maximumBodySize == 16 << 20)
    }

    @Test func fhirChannelMistakesAreNamed() throws {
        let both = try #require(failure("""
            destinations: {}
            channels:
              x:
                mllp: {port: 2575}
                fhir: {path: /fhir}
            """))
        #expect(both.key == "channels.x")
        #expect(both.message.contains("only one of mllp, fhir or folder, found mllp and fhir"))

        let badPath = try #require(failure("""
            destinations: {}
            channels:
              x: {fhir: {path: fhir/}}
            """))
        #expect(badPath.key == "channels.x.fhir.path")

        let unknownProfile = try #require(failure("""
            destinations: {}
            channels:
              x: {fhir: {profiles: ["http://example.org/StructureDefinition/none"]}}
            """))
        #expect(unknownProfile.key == "channels.x.fhir.profiles[0]")

        let hl7Condition = try #require(failure("""
            destinations:
              out: {file: {directory: out}}
            channels:
              x:
                fhir: {}
                routes: [{destination: out, when: ["PID-8 = F"]}]
            """))
        #expect(hl7Condition.key == "channels.x.routes[0].when")

        let patientID = try #require(failure("""
            destinations: {}
            channels:
              x: {fhir: {}, patient-id: PID-3.1}
            """))
        #expect(patientID.key == "channels.x.patient-id")

        let samePath = try #require(failure("""
            destinations: {}
            channels:
              x: {fhir: {path: /fhir}}
              y: {fhir: {path: /fhir}}
            """))
        #expect(samePath.key == "channels.y.fhir.path")
        #expect(samePath.message.contains("channel x"))
    }
}
