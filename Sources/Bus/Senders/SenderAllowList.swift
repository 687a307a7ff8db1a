public import NIOCore

/// Who may send to a channel (or use the HTTP listener): the peer's address must be in one of
/// ``addresses``, and with mutual TLS its certificate's subject must be one of
/// ``clientSubjects``. An empty list allows any value: an allow-list with only addresses does not
/// look at certificates, one with only subjects does not look at addresses.
///
/// Read from a channel's (or the `http` section's) `allow` key:
///
/// ```yaml
/// allow:
///   addresses: [10.20.0.0/16, 192.168.1.7, "::1", "fd00::/8"]
///   client-subjects: ["CN=his.bvdk-tinh.vn,O=BVDK Tinh,C=VN"]
/// ```
///
/// See ``ClientSubject`` for how subjects are compared.
public struct SenderAllowList: Sendable, Hashable {
    /// The allowed address ranges; empty: any address.
    public var addresses: [AddressRange]
    /// The allowed certificate subjects; empty: any certificate (the TLS set-up still decides
    /// which certificates are valid).
    public var clientSubjects: [ClientSubject]

    /// Creates an allow-list.
    public init(addresses: [AddressRange] = [], clientSubjects: [ClientSubject] = []) {
        self.addresses = addresses
        self.clientSubjects = clientSubjects
    }

    /// Why a peer at `address` is refused; `nil` when its address is allowed.
    public func refusal(address: SocketAddress?) -> SenderRefusal? {
        guard !addresses.isEmpty else { return nil }
        guard let address, addresses.contains(where: { $0.contains(address) }) else { return .address }
        return nil
    }

    /// Why a peer whose certificate has `subject` (RFC 4514; `nil`: no certificate) is refused;
    /// `nil` when it is allowed.
    public func refusal(subject: String?) -> SenderRefusal? {
        guard !clientSubjects.isEmpty else { return nil }
        guard let subject, let presented = try? ClientSubject(subject) else { return .noClientCertificate }
        return clientSubjects.contains(presented) ? nil : .clientSubject
    }

    /// Why a peer is refused, its address first; `nil` when it is allowed.
    public func refusal(address: SocketAddress?, subject: String?) -> SenderRefusal? {
        refusal(address: address) ?? refusal(subject: subject)
    }
}
