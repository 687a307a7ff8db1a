public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension EncryptionKey {
    /// Reads a key file: base64 of 32 bytes, or 32 raw bytes.
    ///
    /// - Throws: ``EncryptionKeyError`` naming the key id and the file (never its content).
    public static func load(id: String, file path: String) throws(EncryptionKeyError) -> EncryptionKey {
        let contents: Data
        do {
            contents = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw EncryptionKeyError(code: .unreadable, keyID: id, source: "file \(path)", message: "cannot read the key file")
        }
        do {
            return try EncryptionKey(id: id, contents: [UInt8](contents))
        } catch {
            throw EncryptionKeyError(code: error.code, keyID: id, source: "file \(path)", message: error.message)
        }
    }

    /// Reads a key from an environment variable (base64 of 32 bytes).
    ///
    /// - Throws: ``EncryptionKeyError`` naming the key id and the variable (never its value).
    public static func load(
        id: String, environment name: String, from environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(EncryptionKeyError) -> EncryptionKey {
        guard let value = environment[name], !value.isEmpty else {
            throw EncryptionKeyError(code: .unreadable, keyID: id, source: "environment \(name)", message: "the variable is not set")
        }
        do {
            return try EncryptionKey(id: id, contents: Array(value.utf8))
        } catch {
            throw EncryptionKeyError(code: error.code, keyID: id, source: "environment \(name)", message: error.message)
        }
    }

    /// Creates a key file holding a new random key in base64, readable by its owner only (mode
    /// 0600), and returns the key. Fails if the file exists: a key file is never overwritten.
    ///
    /// - Throws: ``EncryptionKeyError`` with code ``EncryptionKeyError/Code/unreadable`` when the file cannot be created.
    public static func generateFile(id: String, at path: String) throws(EncryptionKeyError) -> EncryptionKey {
        let key = SymmetricKeyBytes.random()
        let text = Data((Data(key).base64EncodedString() + "\n").utf8)
        do {
            try FileManager.default.createDirectory(
                at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw EncryptionKeyError(code: .unreadable, keyID: id, source: "file \(path)", message: "cannot create the key file's folder")
        }
        // O_EXCL: never overwrite a key file (another process may have just created one).
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard descriptor >= 0 else {
            throw EncryptionKeyError(code: .unreadable, keyID: id, source: "file \(path)", message: "cannot create the key file")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: text)
            try handle.synchronize()
            try handle.close()
        } catch {
            throw EncryptionKeyError(code: .unreadable, keyID: id, source: "file \(path)", message: "cannot write the key file")
        }
        return try EncryptionKey(id: id, bytes: key)
    }
}

/// 32 random bytes from the system's generator.
enum SymmetricKeyBytes {
    static func random() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
