import Crypto
import _CryptoExtras
import Dispatch
import Foundation

/// Password hashes for dashboard accounts: scrypt (memory-hard, from swift-crypto), a random
/// 16-byte salt per password, stored as `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>` (base64), so
/// the cost can rise later without invalidating stored hashes.
public enum PasswordHash {
    /// log2 of scrypt's cost N by default (2^15: 32 MiB and about a tenth of a second per check
    /// in a release build).
    public static let defaultCostExponent = 15
    /// scrypt's block size r and parallelism p.
    static let blockSize = 8
    static let parallelism = 1
    /// The length of the derived hash, in bytes.
    static let length = 32

    /// The shortest password accepted.
    public static let minimumPasswordLength = 10

    /// The hash of `password` with a new random salt, at cost 2^`costExponent` (10–20; the
    /// stored hash names its cost, so hashes of different costs verify alike).
    public static func make(_ password: String, costExponent: Int = defaultCostExponent) throws -> String {
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max) }
        let hash = try derive(password, salt: salt, costExponent: costExponent, blockSize: blockSize, parallelism: parallelism)
        return "scrypt$\(costExponent)$\(blockSize)$\(parallelism)$\(Data(salt).base64EncodedString())$\(Data(hash).base64EncodedString())"
    }

    /// ``make(_:costExponent:)`` on a thread of its own: scrypt's work would otherwise hold one
    /// of the few threads every task of the process shares.
    public static func hashed(_ password: String, costExponent: Int = defaultCostExponent) async throws -> String {
        try await offThePool { try make(password, costExponent: costExponent) }
    }

    /// ``verify(_:against:)`` on a thread of its own (see ``hashed(_:costExponent:)``); against
    /// ``decoy`` when `stored` is `nil` (an unknown account: the same work, always `false`).
    public static func verified(_ password: String, against stored: String?) async -> Bool {
        (try? await offThePool { verify(password, against: stored ?? decoy) && stored != nil }) ?? false
    }

    /// Runs `work` on a global dispatch queue and waits for it without blocking the caller's thread.
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Whether `password` matches `stored` (compared in constant time); `false` for a hash in
    /// an unknown format.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt", let exponent = Int(parts[1]), (10...20).contains(exponent),
            let blockSize = Int(parts[2]), (1...32).contains(blockSize), let parallelism = Int(parts[3]), (1...16).contains(parallelism),
            let salt = Data(base64Encoded: String(parts[4])), let expected = Data(base64Encoded: String(parts[5])), !expected.isEmpty,
            let actual = try? derive(password, salt: [UInt8](salt), costExponent: exponent, blockSize: blockSize, parallelism: parallelism, length: expected.count)
        else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(actual, expected) { difference |= left ^ right }
        return difference == 0
    }

    /// A hash that matches no password, checked for unknown account names so that a login's
    /// time does not tell whether the name exists.
    static let decoy: String = (try? make(UUID().uuidString)) ?? ""

    static func derive(_ password: String, salt: [UInt8], costExponent: Int, blockSize: Int, parallelism: Int, length: Int = length) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: length, rounds: 1 << costExponent, blockSize: blockSize,
            parallelism: parallelism, maxMemory: 256 * 1024 * 1024)
        return key.withUnsafeBytes { [UInt8]($0) }
    }
}
