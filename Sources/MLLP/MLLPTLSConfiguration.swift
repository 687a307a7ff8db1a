public import NIOSSL

/// TLS settings for an MLLP server or client, usually loaded from PEM files.
///
/// TLS is off unless one of these is given. For mutual TLS, give the server the certificate
/// authority that signs client certificates (clients without a valid certificate are refused),
/// and give the client its certificate and key.
///
/// ```swift
/// let serverTLS = try MLLPTLSConfiguration.server(
///     certificateChainFile: "server.pem", privateKeyFile: "server.key",
///     clientCertificateAuthorityFile: "ca.pem")          // mutual TLS
/// let clientTLS = try MLLPTLSConfiguration.client(
///     certificateAuthorityFile: "ca.pem", certificateChainFile: "client.pem", privateKeyFile: "client.key")
/// ```
public struct MLLPTLSConfiguration: Sendable {
    /// The swift-nio-ssl configuration used.
    public var configuration: TLSConfiguration
    /// For a client: the name checked against the server's certificate and sent in SNI; `nil`
    /// uses the host connected to (an IP address is checked against the certificate's IP SANs).
    public var serverHostname: String?

    /// Wraps a swift-nio-ssl configuration.
    public init(_ configuration: TLSConfiguration, serverHostname: String? = nil) {
        self.configuration = configuration
        self.serverHostname = serverHostname
    }

    /// A server configuration from PEM files.
    ///
    /// - Parameters:
    ///   - certificateChainFile: the server's certificate, then any intermediates.
    ///   - privateKeyFile: the server's private key.
    ///   - clientCertificateAuthorityFile: for mutual TLS, the certificate authorities that sign
    ///     client certificates; a client without a certificate they verify is refused. `nil`
    ///     means plain TLS (no client certificate asked for).
    /// - Throws: ``MLLPError`` with ``MLLPError/Code/tlsConfiguration`` when a file cannot be read.
    public static func server(
        certificateChainFile: String, privateKeyFile: String, clientCertificateAuthorityFile: String? = nil
    ) throws(MLLPError) -> MLLPTLSConfiguration {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificateChainFile).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: privateKeyFile, format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            if let clientCertificateAuthorityFile {
                let roots = try NIOSSLCertificate.fromPEMFile(clientCertificateAuthorityFile)
                configuration.trustRoots = .certificates(roots)
                configuration.certificateVerification = .noHostnameVerification
            }
            return MLLPTLSConfiguration(configuration)
        } catch {
            throw MLLPError(.tlsConfiguration, cause: error)
        }
    }

    /// A client configuration from PEM files.
    ///
    /// - Parameters:
    ///   - certificateAuthorityFile: the certificate authorities trusted to sign the server's
    ///     certificate; `nil` uses the system's trust store.
    ///   - certificateChainFile: for mutual TLS, the client's certificate (then intermediates).
    ///   - privateKeyFile: for mutual TLS, the client's private key.
    ///   - serverHostname: the name to verify the server's certificate against; `nil` uses the
    ///     host connected to.
    /// - Throws: ``MLLPError`` with ``MLLPError/Code/tlsConfiguration`` when a file cannot be read.
    public static func client(
        certificateAuthorityFile: String? = nil, certificateChainFile: String? = nil, privateKeyFile: String? = nil,
        serverHostname: String? = nil
    ) throws(MLLPError) -> MLLPTLSConfiguration {
        do {
            var configuration = TLSConfiguration.makeClientConfiguration()
            if let certificateAuthorityFile {
                configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificateAuthorityFile))
            }
            if let certificateChainFile, let privateKeyFile {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateChainFile).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: privateKeyFile, format: .pem))
            }
            return MLLPTLSConfiguration(configuration, serverHostname: serverHostname)
        } catch {
            throw MLLPError(.tlsConfiguration, cause: error)
        }
    }

    /// Builds the swift-nio-ssl context (once per server or client).
    func makeContext() throws(MLLPError) -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw MLLPError(.tlsConfiguration, cause: error)
        }
    }
}
