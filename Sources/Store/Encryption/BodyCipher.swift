import Crypto
import Foundation

/// How both stores seal and open the bodies that can hold patient data (a message's raw bytes
/// and patient identifier, an entry's payload, an attempt's response), and make the patient
/// identifier's search token.
///
/// A sealed value is AES-256-GCM's combined form: a random 96-bit nonce, the ciphertext, the
/// 128-bit tag. The authenticated data is the row's *binding* (``message(channel:receivedAt:controlID:)``,
/// ``entry(message:destination:)``, ``attempt(entry:number:)``), so a ciphertext copied into
/// another row fails to open. Without a ring (``ring`` `nil`) values pass through unchanged and
/// rows get no key id.
package struct BodyCipher: Sendable {
    /// The keys; `nil`: no encryption.
    package let ring: KeyRing?

    package init(_ ring: KeyRing?) {
        self.ring = ring
    }

    /// The key id stored with a new row (`nil` without a ring).
    package var currentKeyID: String? { ring?.current.id }

    // MARK: Bindings (authenticated data)

    /// A message row: its channel, its reception time (microseconds, as stored) and its control ID —
    /// known before the insert, unlike the row's identifier, and never changed afterwards.
    package static func message(channel: String, receivedAt: Int64, controlID: String?) -> [UInt8] {
        Array("message\u{1F}\(channel)\u{1F}\(receivedAt)\u{1F}\(controlID ?? "")".utf8)
    }

    /// An entry row: its message and destination (a replay of an entry to its destination may
    /// copy the sealed payload as it is: same message, same destination, same payload).
    package static func entry(message: Int64, destination: String) -> [UInt8] {
        Array("entry\u{1F}\(message)\u{1F}\(destination)".utf8)
    }

    /// An attempt row: its entry and number, its primary key.
    package static func attempt(entry: Int64, number: Int) -> [UInt8] {
        Array("attempt\u{1F}\(entry)\u{1F}\(number)".utf8)
    }

    // MARK: Sealing

    /// `plaintext` sealed with the current key (unchanged without a ring).
    package func seal(_ plaintext: [UInt8], binding: [UInt8]) throws -> [UInt8] {
        guard let key = ring?.current else { return plaintext }
        return try Self.seal(plaintext, key: key, binding: binding)
    }

    /// An optional body sealed with the current key.
    package func seal(_ plaintext: [UInt8]?, binding: [UInt8]) throws -> [UInt8]? {
        try plaintext.map { try seal($0, binding: binding) }
    }

    static func seal(_ plaintext: [UInt8], key: EncryptionKey, binding: [UInt8]) throws -> [UInt8] {
        let box = try AES.GCM.seal(plaintext, using: key.sealing, nonce: AES.GCM.Nonce(), authenticating: binding)
        guard let combined = box.combined else { throw StoreError(code: .undecryptable, keyID: key.id) }
        return [UInt8](combined)
    }

    /// A stored body opened with the key `keyID` names (unchanged when `keyID` is `nil`: a row
    /// written without encryption).
    ///
    /// - Throws: ``StoreError`` ``StoreError/Code/keyUnavailable`` (naming the key id) when the
    ///   ring lacks the key, ``StoreError/Code/undecryptable`` when authentication fails.
    package func open(_ stored: [UInt8], keyID: String?, binding: [UInt8]) throws -> [UInt8] {
        guard let keyID else { return stored }
        guard let key = ring?.key(id: keyID) else { throw StoreError(code: .keyUnavailable, keyID: keyID) }
        do {
            let box = try AES.GCM.SealedBox(combined: stored)
            return [UInt8](try AES.GCM.open(box, using: key.sealing, authenticating: binding))
        } catch {
            throw StoreError(code: .undecryptable, keyID: keyID)
        }
    }

    /// An optional stored body opened (see ``open(_:keyID:binding:)``).
    package func open(_ stored: [UInt8]?, keyID: String?, binding: [UInt8]) throws -> [UInt8]? {
        try stored.map { try open($0, keyID: keyID, binding: binding) }
    }

    // MARK: Messages

    /// A message's stored `raw` and `patient_id`: with a ring, `raw` seals the patient identifier
    /// and the raw bytes together, and `patient_id` is the identifier's search token.
    package func sealMessage(raw: [UInt8], patientID: String?, binding: [UInt8]) throws -> (raw: [UInt8], patientID: String?) {
        guard let key = ring?.current else { return (raw, patientID) }
        return try Self.sealMessage(raw: raw, patientID: patientID, key: key, binding: binding)
    }

    static func sealMessage(raw: [UInt8], patientID: String?, key: EncryptionKey, binding: [UInt8]) throws -> (raw: [UInt8], patientID: String?) {
        var envelope: [UInt8] = []
        if let patientID {
            let bytes = Array(patientID.utf8.prefix(Int(UInt16.max)))
            envelope.reserveCapacity(3 + bytes.count + raw.count)
            envelope.append(1)
            envelope.append(UInt8(bytes.count >> 8))
            envelope.append(UInt8(bytes.count & 0xFF))
            envelope.append(contentsOf: bytes)
        } else {
            envelope.reserveCapacity(1 + raw.count)
            envelope.append(0)
        }
        envelope.append(contentsOf: raw)
        return (try seal(envelope, key: key, binding: binding), patientID.map { searchToken($0, key: key) })
    }

    /// A message's raw bytes and patient identifier from its stored `raw` and `patient_id`.
    package func openMessage(raw stored: [UInt8], patientID storedID: String?, keyID: String?, binding: [UInt8]) throws
        -> (raw: [UInt8], patientID: String?)
    {
        guard keyID != nil else { return (stored, storedID) }
        let envelope = try open(stored, keyID: keyID, binding: binding)
        guard let flag = envelope.first else { throw StoreError(code: .undecryptable, keyID: keyID) }
        if flag == 0 { return (Array(envelope.dropFirst()), nil) }
        guard flag == 1, envelope.count >= 3 else { throw StoreError(code: .undecryptable, keyID: keyID) }
        let length = Int(envelope[1]) << 8 | Int(envelope[2])
        guard envelope.count >= 3 + length else { throw StoreError(code: .undecryptable, keyID: keyID) }
        let patientID = String(decoding: envelope[3..<(3 + length)], as: UTF8.self)
        return (Array(envelope[(3 + length)...]), patientID)
    }

    // MARK: Search

    /// The values of `patient_id` a search for `patientID` matches: its token under each key of
    /// the ring (rows not yet re-encrypted carry an older key's token) and the identifier itself
    /// (rows written without encryption).
    package func searchValues(_ patientID: String) -> [String] {
        [patientID] + (ring?.keys.map { Self.searchToken(patientID, key: $0) } ?? [])
    }

    /// The search token of a patient identifier under `key`: HMAC-SHA256 with the key's search
    /// subkey, the first 16 bytes in hex (`h:` and 32 digits, so it never looks like an identifier).
    static func searchToken(_ patientID: String, key: EncryptionKey) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array(patientID.utf8), using: key.search)
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = Array("h:".utf8)
        text.reserveCapacity(34)
        for byte in code.prefix(16) {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    // MARK: Re-encryption

    /// A stored body moved from the key `keyID` to the current key.
    package func reseal(_ stored: [UInt8]?, keyID: String?, binding: [UInt8]) throws -> [UInt8]? {
        guard let stored, let key = ring?.current else { return stored }
        return try Self.seal(open(stored, keyID: keyID, binding: binding), key: key, binding: binding)
    }

    /// A message's stored `raw` and `patient_id` moved from the key `keyID` to the current key.
    package func resealMessage(raw: [UInt8], patientID: String?, keyID: String?, binding: [UInt8]) throws -> (raw: [UInt8], patientID: String?) {
        guard let key = ring?.current else { return (raw, patientID) }
        let opened = try openMessage(raw: raw, patientID: patientID, keyID: keyID, binding: binding)
        return try Self.sealMessage(raw: opened.raw, patientID: opened.patientID, key: key, binding: binding)
    }
}
