public import NIOCore
import Foundation

/// An IPv4 or IPv6 address range in CIDR notation: `10.20.0.0/16`, `fd00::/8`; an address alone
/// (`192.168.1.7`, `::1`) is the range of that one address (`/32`, `/128`).
///
/// An IPv4 peer connecting to a listener bound to an IPv6 address is seen as an IPv4-mapped
/// address (`::ffff:10.20.1.5`); it is in an IPv4 range when its IPv4 address is.
///
/// ```swift
/// let range = try AddressRange("10.20.0.0/16")
/// range.contains(ipAddress: "10.20.3.4")   // true
/// ```
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    /// The network's address bytes (4 or 16), the bits after the prefix cleared.
    public let network: [UInt8]
    /// How many leading bits a contained address shares with ``network`` (0–32 or 0–128).
    public let prefixLength: Int

    /// Reads a range: an address, optionally followed by `/` and a prefix length.
    ///
    /// Bits set after the prefix (`10.20.1.0/16`) are an error: the range would not be what it
    /// reads as.
    ///
    /// - Throws: ``AllowListError`` with ``AllowListError/Code/invalidAddress`` or
    ///   ``AllowListError/Code/invalidPrefixLength``.
    public init(_ text: String) throws(AllowListError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = Self.address(String(parts[0])) else {
            throw AllowListError(.invalidAddress, entry: text, "expected an IPv4 address (192.168.1.7), an IPv6 address (fd00::1) or a range such as 10.20.0.0/16")
        }
        let maximum = bytes.count * 8
        var length = maximum
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(digits), value <= maximum else {
                throw AllowListError(.invalidPrefixLength, entry: text, "expected a prefix length from 0 to \(maximum) after /")
            }
            length = value
        }
        let masked = Self.mask(bytes, prefixLength: length)
        guard masked == bytes else {
            throw AllowListError(
                .invalidPrefixLength, entry: text,
                "bits are set after the /\(length) prefix; the range is \(Self.format(masked))/\(length)")
        }
        network = masked
        prefixLength = length
    }

    /// Whether `bytes` (an address of 4 or 16 bytes) is in the range. An IPv4-mapped IPv6
    /// address is also tried as its IPv4 address.
    public func contains(_ bytes: [UInt8]) -> Bool {
        if bytes.count == network.count, Self.mask(bytes, prefixLength: prefixLength) == network { return true }
        if bytes.count == 16, network.count == 4, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return Self.mask(Array(bytes[12...]), prefixLength: prefixLength) == network
        }
        return false
    }

    /// Whether the address written as `ipAddress` (`10.20.3.4`, `fd00::1`) is in the range;
    /// `false` when it is not an address.
    public func contains(ipAddress: String) -> Bool {
        guard let bytes = Self.address(ipAddress) else { return false }
        return contains(bytes)
    }

    /// Whether a socket's peer is in the range; `false` for a peer with no IP address (a Unix
    /// domain socket).
    public func contains(_ address: SocketAddress) -> Bool {
        guard let ip = address.ipAddress else { return false }
        return contains(ipAddress: ip)
    }

    /// The range as CIDR: `10.20.0.0/16`, `fd00::/8`, `::1/128`.
    public var description: String { "\(Self.format(network))/\(prefixLength)" }

    // MARK: Parsing

    /// The bytes of an IPv4 (4) or IPv6 (16) address written in text; `nil` when it is neither.
    /// An IPv6 zone (`fe80::1%eth0`) is ignored.
    static func address(_ text: String) -> [UInt8]? {
        if text.contains(":") {
            let withoutZone = text.split(separator: "%", maxSplits: 1, omittingEmptySubsequences: false)[0]
            return ipv6(Substring(withoutZone))
        }
        return ipv4(Substring(text))
    }

    /// Four decimal numbers 0–255 separated by dots (no leading zeros but `0`).
    static func ipv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                part == "0" || !part.hasPrefix("0"), let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    /// Eight groups of 1–4 hexadecimal digits, `::` once for a run of zero groups, an IPv4
    /// address as the last two groups.
    static func ipv6(_ text: Substring) -> [UInt8]? {
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String, allowsIPv4: Bool) -> [UInt8]? {
            if part.isEmpty { return [] }
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            var bytes: [UInt8] = []
            for (index, piece) in pieces.enumerated() {
                if allowsIPv4, index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = ipv4(piece) else { return nil }
                    bytes += v4
                    continue
                }
                guard !piece.isEmpty, piece.count <= 4, let value = UInt16(piece, radix: 16) else { return nil }
                bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return bytes
        }
        if halves.count == 1 {
            guard let bytes = groups(halves[0], allowsIPv4: true), bytes.count == 16 else { return nil }
            return bytes
        }
        guard let head = groups(halves[0], allowsIPv4: false), let tail = groups(halves[1], allowsIPv4: true),
            head.count + tail.count <= 14
        else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    /// `bytes` with every bit after the first `prefixLength` cleared.
    static func mask(_ bytes: [UInt8], prefixLength: Int) -> [UInt8] {
        var result = bytes
        for index in result.indices {
            let bitsKept = min(8, max(0, prefixLength - index * 8))
            result[index] &= bitsKept == 0 ? 0 : UInt8(truncatingIfNeeded: 0xFF << (8 - bitsKept))
        }
        return result
    }

    /// An address in text: dotted IPv4, or IPv6 groups with the longest run of zero groups as `::`.
    static func format(_ bytes: [UInt8]) -> String {
        guard bytes.count == 16 else { return bytes.map(String.init).joined(separator: ".") }
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        var best = (start: -1, length: 0)
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else { index += 1; continue }
            var end = index
            while end < 8, groups[end] == 0 { end += 1 }
            if end - index > best.length, end - index > 1 { best = (index, end - index) }
            index = end
        }
        let hex = groups.map { String($0, radix: 16) }
        guard best.start >= 0 else { return hex.joined(separator: ":") }
        return hex[..<best.start].joined(separator: ":") + "::" + hex[(best.start + best.length)...].joined(separator: ":")
    }
}
