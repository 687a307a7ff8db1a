import Crypto
public import Foundation

/// One 256-bit key of a ``KeyRing``, with the identifier stored beside every row it encrypts.
///
/// The key itself is never used directly: HKDF-SHA256 derives one subkey for AES-GCM (message
/// bodies) and one for HMAC-SHA256 (the patient identifier's search token), so the two uses never
/// share key material. ``description`` shows the identifier only.
///
/// ```swift
/// let key = try EncryptionKey(id: "2026-11", text: "q3J…base64…=")
/// ```
public struct EncryptionKey: Sendable, CustomStringConvertible {
    /// The identifier stored in each row's `key_id` column (letters, digits, `-`, `_`, `.`; at most 64).
    public let id: String
    /// The AES-256-GCM key for bodies.
    let sealing: SymmetricKey
    /// The HMAC-SHA256 key for search tokens.
    let search: SymmetricKey
    /// A public fingerprint (hex, 16 characters) the store keeps to recognise the key under its
    /// identifier: a different key under a known identifier is refused at open.
    public let fingerprint: String

    /// A key from its 32 bytes.
    ///
    /// - Throws: ``EncryptionKeyError`` when the identifier is not usable or the key is not 32 bytes.
    public init(id: String, bytes: some ContiguousBytes) throws(EncryptionKeyError) {
        guard Self.isValid(id: id) else {
            throw EncryptionKeyError(code: .invalidKeyID, keyID: id, message: "a key id is 1–64 letters, digits, '-', '_' or '.'")
        }
        let material = SymmetricKey(data: bytes)
        guard material.bitCount == 256 else {
            throw EncryptionKeyError(code: .invalidKey, keyID: id, message: "a key is 32 bytes (256 bits), raw or base64")
        }
        self.id = id
        self.sealing = HKDF<SHA256>.deriveKey(inputKeyMaterial: material, info: Data("lienthong.store.body.v1".utf8), outputByteCount: 32)
        self.search = HKDF<SHA256>.deriveKey(inputKeyMaterial: material, info: Data("lienthong.store.search.v1".utf8), outputByteCount: 32)
        let check = HKDF<SHA256>.deriveKey(inputKeyMaterial: material, info: Data("lienthong.store.fingerprint.v1".utf8), outputByteCount: 8)
        self.fingerprint = check.withUnsafeBytes { bytes in bytes.map { String(format: "%02x", $0) }.joined() }
    }

    /// A key from text: base64 of 32 bytes (surrounding white space ignored), or exactly 32 raw bytes.
    ///
    /// - Throws: ``EncryptionKeyError`` when the content is neither.
    public init(id: String, contents: [UInt8]) throws(EncryptionKeyError) {
        if contents.count == 32 {
            try self.init(id: id, bytes: contents)
            return
        }
        let text = String(decoding: contents, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let decoded = Data(base64Encoded: text), decoded.count == 32 else {
            throw EncryptionKeyError(code: .invalidKey, keyID: id, message: "expected 32 raw bytes or the base64 of 32 bytes")
        }
        try self.init(id: id, bytes: decoded)
    }

    /// A new random key.
    public static func random(id: String) throws(EncryptionKeyError) -> EncryptionKey {
        try EncryptionKey(id: id, bytes: SymmetricKey(size: .bits256))
    }

    /// Whether `id` can name a key: 1–64 ASCII letters, digits, `-`, `_` or `.`.
    public static func isValid(id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= 64
            && id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)) }
    }

    /// `EncryptionKey(<id>)`: never the key.
    public var description: String { "EncryptionKey(\(id))" }
}
