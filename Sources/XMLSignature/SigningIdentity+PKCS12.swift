import NIOSSL
import _CryptoExtras

extension SigningIdentity {
    /// Reads an identity from a PKCS#12 (`.p12`, `.pfx`) file's bytes: its private key and the
    /// certificate of that key (other certificates of the bundle, a chain, are left out).
    ///
    /// The bundle is opened with swift-nio-ssl's `NIOSSLPKCS12Bundle` (BoringSSL: PBES2 with
    /// AES and PBKDF2, as OpenSSL 3 writes by default, and the legacy RC2/3DES form), and the
    /// key is handed to swift-crypto as DER, never written anywhere.
    /// - Parameters:
    ///   - pkcs12: The file's bytes.
    ///   - password: The bundle's password; `nil` for a bundle without one.
    /// - Throws: ``XMLSignatureError`` ``XMLSignatureError/Code/keyUnreadable`` when the bundle
    ///   cannot be opened (a wrong password, among others) or its key is not an RSA key of 2048
    ///   bits or more; ``XMLSignatureError/Code/keyMismatch`` when no certificate in it is the key's.
    public init(pkcs12: [UInt8], password: String?) throws(XMLSignatureError) {
        let bundle: NIOSSLPKCS12Bundle
        do {
            bundle = try NIOSSLPKCS12Bundle(buffer: pkcs12, passphrase: password.map { Array($0.utf8) })
        } catch {
            throw XMLSignatureError(.keyUnreadable, "the PKCS#12 bundle cannot be opened (wrong password, or not PKCS#12)")
        }
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(derRepresentation: try bundle.privateKey.derBytes)
        } catch {
            throw XMLSignatureError(.keyUnreadable, "the PKCS#12 bundle's key is not an RSA key of 2048 bits or more")
        }
        var lastError = XMLSignatureError(.keyMismatch, "the PKCS#12 bundle holds no certificate")
        for certificate in bundle.certificateChain {
            do {
                try self.init(privateKey: key, certificateDER: try certificate.toDERBytes())
                return
            } catch let error as XMLSignatureError {
                lastError = error
            } catch {
                lastError = XMLSignatureError(.certificateUnreadable, "a certificate of the PKCS#12 bundle cannot be read")
            }
        }
        throw lastError
    }
}
