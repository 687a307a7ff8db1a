import Foundation
import MetricsTestKit
import NIOCore
import Testing
@testable import Bus

/// The allow-list matcher: CIDR ranges (IPv4, IPv6, edge prefixes, malformed entries),
/// certificate subjects (RFC 4514, normalised), and the `allow` configuration key.
@Suite struct SenderAllowListTests {
    func range(_ text: String) throws -> AddressRange { try AddressRange(text) }

    func address(_ ip: String, port: Int = 40000) throws -> SocketAddress { try SocketAddress(ipAddress: ip, port: port) }

    // MARK: Address ranges

    @Test func anIPv4RangeContainsItsAddressesOnly() throws {
        let range = try range("10.20.0.0/16")
        #expect(range.contains(ipAddress: "10.20.0.0"))
        #expect(range.contains(ipAddress: "10.20.255.255"))
        #expect(!range.contains(ipAddress: "10.21.0.0"))
        #expect(!range.contains(ipAddress: "10.19.255.255"))
        #expect(range.description == "10.20.0.0/16")
        let odd = try self.range("192.168.1.0/25")
        #expect(odd.contains(ipAddress: "192.168.1.127"))
        #expect(!odd.contains(ipAddress: "192.168.1.128"))
    }

    @Test func aSingleAddressIsASlash32OrSlash128() throws {
        let v4 = try range("192.168.1.7")
        #expect(v4.prefixLength == 32)
        #expect(v4.contains(ipAddress: "192.168.1.7"))
        #expect(!v4.contains(ipAddress: "192.168.1.6"))
        #expect(!v4.contains(ipAddress: "192.168.1.8"))
        #expect(try range("192.168.1.7/32") == v4)
        let v6 = try range("::1")
        #expect(v6.prefixLength == 128)
        #expect(v6.contains(ipAddress: "::1"))
        #expect(v6.contains(ipAddress: "0:0:0:0:0:0:0:1"))
        #expect(!v6.contains(ipAddress: "::2"))
        #expect(!v6.contains(ipAddress: "127.0.0.1"), "IPv6 loopback is not IPv4 loopback")
        #expect(v6.description == "::1/128")
    }

    @Test func slashZeroContainsEveryAddressOfItsFamily() throws {
        let v4 = try range("0.0.0.0/0")
        #expect(v4.contains(ipAddress: "1.2.3.4"))
        #expect(v4.contains(ipAddress: "255.255.255.255"))
        #expect(!v4.contains(ipAddress: "fd00::1"))
        let v6 = try range("::/0")
        #expect(v6.contains(ipAddress: "fd00::1"))
        #expect(v6.contains(ipAddress: "::"))
        #expect(!v6.contains(ipAddress: "1.2.3.4"))
    }

    @Test func anIPv6RangeContainsItsAddressesOnly() throws {
        let range = try range("fd00::/8")
        #expect(range.contains(ipAddress: "fd12:3456::1"))
        #expect(range.contains(ipAddress: "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))
        #expect(!range.contains(ipAddress: "fe80::1"))
        #expect(!range.contains(ipAddress: "fc00::1"))
        #expect(range.description == "fd00::/8")
        let documentation = try self.range("2001:db8::/32")
        #expect(documentation.contains(ipAddress: "2001:db8:ffff::9"))
        #expect(!documentation.contains(ipAddress: "2001:db9::"))
        let pair = try self.range("2001:db8::/127")
        #expect(pair.contains(ipAddress: "2001:db8::1"))
        #expect(!pair.contains(ipAddress: "2001:db8::2"))
        #expect(try self.range("::ffff:10.0.0.0/104").contains(ipAddress: "::ffff:10.9.8.7"))
    }

    @Test func anIPv4MappedPeerIsMatchedAsIPv4() throws {
        let range = try range("10.0.0.0/8")
        #expect(range.contains(ipAddress: "::ffff:10.1.2.3"))
        #expect(!range.contains(ipAddress: "::ffff:11.1.2.3"))
        #expect(!range.contains(ipAddress: "::10.1.2.3"), "IPv4-compatible, not mapped")
    }

    @Test func socketAddressesAreMatchedByTheirIP() throws {
        let range = try range("127.0.0.2/32")
        #expect(!range.contains(try address("127.0.0.1")))
        #expect(range.contains(try address("127.0.0.2")))
        #expect(try self.range("::1").contains(try address("::1")))
    }

    @Test(arguments: [
        ("10.0.0.256", AllowListError.Code.invalidAddress), ("10.0.0", .invalidAddress), ("10.0.0.1.2", .invalidAddress),
        ("01.2.3.4", .invalidAddress), ("", .invalidAddress), ("/8", .invalidAddress), ("his.example.vn", .invalidAddress),
        ("1:2:3:4:5:6:7:8:9", .invalidAddress), ("1::2::3", .invalidAddress), ("12345::", .invalidAddress), ("fd00:", .invalidAddress),
        ("1:2:3:4:5:6:7", .invalidAddress), ("::ffff:1.2.3", .invalidAddress), ("g::1", .invalidAddress),
        ("1.2.3.4/33", .invalidPrefixLength), ("::1/129", .invalidPrefixLength), ("fd00::/x", .invalidPrefixLength),
        ("10.0.0.0/", .invalidPrefixLength), ("10.0.0.0/-1", .invalidPrefixLength), ("10.0.0.0/08a", .invalidPrefixLength),
        ("10.20.1.0/16", .invalidPrefixLength), ("fd00::1/8", .invalidPrefixLength),
    ])
    func malformedRangesAreErrors(text: String, code: AllowListError.Code) {
        let error = #expect(throws: AllowListError.self) { try AddressRange(text) }
        #expect(error?.code == code, "\(text)")
    }

    @Test func bitsAfterThePrefixNameTheRangeMeant() {
        let error = #expect(throws: AllowListError.self) { try AddressRange("10.20.1.0/16") }
        #expect(error?.description.contains("10.20.0.0/16") == true, "\(String(describing: error))")
    }

    // MARK: Subjects

    @Test func subjectsCompareAfterNormalisation() throws {
        let subject = try ClientSubject("CN=his.bvdk-tinh.vn,O=BVDK Tinh,C=VN")
        #expect(try ClientSubject("cn=HIS.bvdk-tinh.vn, o = BVDK  Tinh ,c=vn") == subject)
        #expect(try ClientSubject("2.5.4.3=his.bvdk-tinh.vn,OID.2.5.4.10=BVDK Tinh,C=VN") == subject)
        #expect(try ClientSubject("CN=his.bvdk-tinh.vn,O=BVDK Tinh") != subject, "no attribute is left out")
        #expect(try ClientSubject("O=BVDK Tinh,CN=his.bvdk-tinh.vn,C=VN") != subject, "order matters")
        #expect(try ClientSubject("CN=lis.bvdk-tinh.vn,O=BVDK Tinh,C=VN") != subject)
        #expect(try ClientSubject("OU=a+OU=b,O=X") == (try ClientSubject("OU=b+OU=a,O=X")), "a multi-valued RDN in any order")
        #expect(try ClientSubject("OU=a+OU=b,O=X") != (try ClientSubject("OU=a,OU=b,O=X")))
    }

    @Test func escapesAreDecoded() throws {
        let subject = try ClientSubject(#"CN=Bệnh viện\, Tỉnh,O=A\2BB"#)
        #expect(subject == (try ClientSubject(#"CN=bệnh viện\2C tỉnh,O=a\+b"#)))
        #expect(subject != (try ClientSubject(#"CN=Bệnh viện,O=A\+B"#)))
        #expect(try ClientSubject(#"CN=\ lead"#) == (try ClientSubject("CN=lead")), "an escaped leading space is a space, then trimmed by normalisation")
        #expect(try ClientSubject("E=ops@bvdk.vn") == (try ClientSubject("emailAddress=OPS@bvdk.vn")))
    }

    @Test(arguments: ["", "CN", "CN=", "XYZ=foo", "CN=a,", "CN=a;b", #"CN=a\"#, #"CN=a\zz"#, "=a", "CN=a,,O=b", "CN=#zz"])
    func malformedSubjectsAreErrors(text: String) {
        let error = #expect(throws: AllowListError.self) { try ClientSubject(text) }
        #expect(error?.code == .invalidSubject, "\(text)")
    }

    // MARK: Lists

    @Test func aListRefusesByAddressThenBySubject() throws {
        let list = SenderAllowList(addresses: [try range("10.20.0.0/16"), try range("::1")], clientSubjects: [try ClientSubject("CN=his,O=BV")])
        #expect(list.refusal(address: try address("10.20.3.4")) == nil)
        #expect(list.refusal(address: try address("::1")) == nil)
        #expect(list.refusal(address: try address("10.21.3.4")) == .address)
        #expect(list.refusal(address: nil) == .address)
        #expect(list.refusal(subject: "CN=his,O=BV") == nil)
        #expect(list.refusal(subject: "CN=lis,O=BV") == .clientSubject)
        #expect(list.refusal(subject: nil) == .noClientCertificate)
        #expect(list.refusal(address: try address("10.21.3.4"), subject: "CN=his,O=BV") == .address)
        #expect(list.refusal(address: try address("10.20.3.4"), subject: "CN=lis,O=BV") == .clientSubject)
        let addressesOnly = SenderAllowList(addresses: [try range("10.20.0.0/16")])
        #expect(addressesOnly.refusal(address: try address("10.20.0.1"), subject: nil) == nil)
        let subjectsOnly = SenderAllowList(clientSubjects: [try ClientSubject("CN=his")])
        #expect(subjectsOnly.refusal(address: try address("192.0.2.1"), subject: "CN=his") == nil)
    }

    @Test func refusalsAreCountedByChannelAndReason() throws {
        let test = TestMetrics()
        let metrics = BusMetrics(factory: test)
        metrics.refused(channel: "his", reason: .address)
        metrics.refused(channel: "his", reason: .address)
        metrics.refused(channel: "fhir", reason: .clientSubject)
        #expect(try test.expectCounter(BusMetrics.Name.sendersRefused, [("channel", "his"), ("reason", "address")]).totalValue == 2)
        #expect(try test.expectCounter(BusMetrics.Name.sendersRefused, [("channel", "fhir"), ("reason", "client_subject")]).totalValue == 1)
    }

    // MARK: Configuration

    let base = URL(fileURLWithPath: "/srv/lienthong")

    func load(_ yaml: String) throws(ConfigurationError) -> BusConfiguration {
        try BusConfiguration(yaml: yaml, file: "bus.yaml", baseDirectory: base, environment: [:])
    }

    func failure(_ yaml: String) -> ConfigurationError? {
        do {
            _ = try load(yaml)
            return nil
        } catch {
            return error
        }
    }

    @Test func channelsReadTheirAllowLists() throws {
        let configuration = try load("""
            channels:
              his:
                mllp: {port: 2575}
                allow:
                  addresses: [10.20.0.0/16, 192.168.1.7, "::1", "fd00::/8"]
                routes: [{destination: out}]
              fhir:
                fhir: {path: /fhir}
                allow: {addresses: 10.30.0.0/16}
                routes: [{destination: out}]
              open:
                mllp: {port: 2576}
                routes: [{destination: out}]
            destinations:
              out: {file: {directory: out}}
            """)
        let his = try #require(configuration.channels.first { $0.name == "his" }?.allow)
        #expect(his.addresses.map(\.description) == ["10.20.0.0/16", "192.168.1.7/32", "::1/128", "fd00::/8"])
        #expect(his.clientSubjects.isEmpty)
        #expect(configuration.channels.first { $0.name == "fhir" }?.allow?.addresses.map(\.description) == ["10.30.0.0/16"])
        #expect(configuration.channels.first { $0.name == "open" }?.allow == nil)
        #expect(configuration.http.allow == nil)
    }

    @Test func aBadEntryIsAnErrorAtItsLine() throws {
        let error = try #require(failure("""
            channels:
              his:
                mllp: {port: 2575}
                allow:
                  addresses:
                    - 10.20.0.0/16
                    - 10.20.300.0/24
                routes: [{destination: out}]
            destinations:
              out: {file: {directory: out}}
            """))
        #expect(error.line == 7)
        #expect(error.key == "channels.his.allow.addresses[1]")
        #expect(error.message.contains("10.20.300.0/24"))
    }

    @Test(arguments: [
        ("allow: {addresses: []}", "channels.his.allow.addresses", "an empty list"),
        ("allow: {}", "channels.his.allow", "expected addresses, client-subjects or both"),
        ("allow: {address: [10.0.0.0/8]}", "channels.his.allow.address", "unknown key"),
        ("allow: {client-subjects: [\"CN=his\"]}", "channels.his.allow.client-subjects", "need mutual TLS"),
    ])
    func badAllowSectionsAreErrors(section: String, key: String, words: String) throws {
        let error = try #require(failure("""
            channels:
              his:
                mllp: {port: 2575}
                \(section)
                routes: [{destination: out}]
            destinations:
              out: {file: {directory: out}}
            """))
        #expect(error.key == key, "\(error)")
        #expect(error.message.contains(words), "\(error)")
    }

    @Test func aMalformedSubjectIsAnErrorAtItsLine() throws {
        let error = try #require(failure("""
            channels:
              fhir:
                fhir: {path: /fhir}
                allow:
                  client-subjects: ["CN=his;O=x"]
                routes: [{destination: out}]
            destinations:
              out: {file: {directory: out}}
            """))
        #expect(error.line == 5)
        #expect(error.key == "channels.fhir.allow.client-subjects[0]")
    }

    @Test func aFHIRChannelsSubjectsNeedMutualTLSOnTheHTTPListener() throws {
        let error = try #require(failure("""
            channels:
              fhir:
                fhir: {path: /fhir}
                allow: {client-subjects: ["CN=his,O=BV"]}
                routes: [{destination: out}]
            destinations:
              out: {file: {directory: out}}
            """))
        #expect(error.key == "channels.fhir.allow.client-subjects")
        #expect(error.message.contains("mutual TLS on the HTTP listener"))
    }

    @Test func aFolderChannelHasNoSenderToAllow() throws {
        let error = try #require(failure("""
            channels:
              drop:
                folder: {path: inbox}
                allow: {addresses: [10.0.0.0/8]}
                routes: [{destination: out}]
            destinations:
              out: {file: {directory: out}}
            """))
        #expect(error.key == "channels.drop.allow")
    }

    @Test func theHTTPListenerReadsItsAllowList() throws {
        let configuration = try load("""
            http:
              port: 8080
              allow: {addresses: [127.0.0.0/8, "::1"]}
            channels: {}
            destinations: {}
            """)
        #expect(configuration.http.allow?.addresses.map(\.description) == ["127.0.0.0/8", "::1/128"])
        #expect(configuration.http.tls == nil)
        let error = try #require(failure("""
            http:
              allow: {client-subjects: ["CN=ops"]}
            channels: {}
            destinations: {}
            """))
        #expect(error.key == "http.allow.client-subjects")
    }

    @Test func configShowPrintsTheListsAndTheyReadBackTheSame() throws {
        let configuration = try load("""
            http:
              allow: {addresses: ["::1"]}
            channels:
              his:
                mllp: {port: 2575}
                allow: {addresses: [10.20.0.0/16, 192.168.1.7]}
                routes: [{destination: out}]
            destinations:
              out: {file: {directory: out}}
            """)
        let shown = configuration.effectiveYAML()
        #expect(shown.contains("addresses: [10.20.0.0/16, 192.168.1.7/32]"), "\(shown)")
        #expect(shown.contains("addresses: [\"::1/128\"]"), "\(shown)")
        let again = try load(shown)
        #expect(again.channels.first?.allow == configuration.channels.first?.allow)
        #expect(again.http.allow == configuration.http.allow)
    }

    @Test func theAllowListIsNotPartOfTheListenersIdentity() throws {
        func fingerprint(_ allow: String) throws -> String? {
            try load("""
                channels:
                  his:
                    mllp: {port: 2575}
                    \(allow)
                    routes: [{destination: out}]
                destinations:
                  out: {file: {directory: out}}
                """).channels.first?.fingerprint
        }
        #expect(try fingerprint("allow: {addresses: [10.0.0.0/8]}") == (try fingerprint("allow: {addresses: [10.1.0.0/16]}")))
        #expect(try fingerprint("allow: {addresses: [10.0.0.0/8]}") == (try fingerprint("")))
    }
}
