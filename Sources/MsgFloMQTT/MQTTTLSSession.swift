import COpenSSL
import COpenSSLShim
import Foundation
import MsgFlo

#if canImport(Glibc)
    import Glibc
#endif

/// What an `mqtts://` connection verifies and presents, from the URL:
/// `?cacertfile=` (else `SSL_CERT_FILE`, else the system bundle: `CABundle`,
/// the rule amqps:// uses too), `?certfile=` and `?keyfile=` for a client
/// certificate, `?verify=false` to skip verification (insecure).
struct MQTTTLSSettings: Sendable, Equatable {
    var caBundle: CABundle?
    var certificateFile: String?
    var keyFile: String?
    var verify: Bool
    /// The URL's host: SNI and the name (or IP address) the certificate must carry.
    var host: String

    init(url: BrokerURL, environment: [String: String], fileExists: (String) -> Bool) {
        caBundle = CABundle.resolve(query: url.query, environment: environment, fileExists: fileExists)
        certificateFile = url.query["certfile"].flatMap { $0.isEmpty ? nil : $0 }
        keyFile = url.query["keyfile"].flatMap { $0.isEmpty ? nil : $0 }
        verify = url.query["verify"]?.lowercased() != "false"
        host = url.host
    }
}

/// One TLS session (OpenSSL) over a connected socket, owned by the MQTT
/// connection's thread like the socket itself. The socket is non-blocking
/// underneath: a blocking SSL_read could wait for application data after a
/// TLS 1.3 session ticket and hold the thread that must also send.
final class MQTTTLSSession {
    private let context: OpaquePointer
    private let ssl: OpaquePointer
    private let descriptor: Int32

    private init(context: OpaquePointer, ssl: OpaquePointer, descriptor: Int32) {
        self.context = context
        self.ssl = ssl
        self.descriptor = descriptor
    }

    deinit {
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    /// OpenSSL writes with write(2), not send(MSG_NOSIGNAL) as the plain
    /// socket does: a broker that closed the connection would otherwise end
    /// the process with SIGPIPE instead of a failed write and a reconnect.
    /// (The HTTP server ignores it the same way.)
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// Handshakes on `descriptor` within `timeout`, verifying the broker's
    /// certificate and name. A certificate the settings cannot accept is a
    /// refusal (retrying will not change it); a timeout or a reset is not.
    static func handshake(
        descriptor: Int32, settings: MQTTTLSSettings, timeout: Duration, broker: String
    ) throws(MQTTConnectionFailure) -> MQTTTLSSession {
        _ = ignoreBrokenPipes
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw MQTTConnectionFailure("cannot create a TLS context: \(lastError())") }
        // The context's settings are copied into a session when it is made: first the context.
        do throws(MQTTConnectionFailure) {
            try configure(context, settings, broker: broker)
        } catch {
            SSL_CTX_free(context)
            throw error
        }
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw MQTTConnectionFailure("cannot create a TLS session: \(lastError())")
        }
        let session = MQTTTLSSession(context: context, ssl: ssl, descriptor: descriptor)
        try session.configure(settings, broker: broker)
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL, 0) | O_NONBLOCK)
        SSL_set_fd(ssl, descriptor)
        let deadline = ContinuousClock.now + timeout
        while true {
            ERR_clear_error()
            let result = SSL_connect(ssl)
            if result == 1 { return session }
            let error = SSL_get_error(ssl, result)
            guard error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE else {
                throw session.handshakeFailure(settings, broker: broker)
            }
            guard session.wait(writable: error == SSL_ERROR_WANT_WRITE, until: deadline) else {
                throw MQTTConnectionFailure("no TLS handshake with \(broker) within \(timeout)")
            }
        }
    }

    /// A refusal: settings that no retry will fix.
    private static func refuse(_ message: String, broker: String) -> MQTTConnectionFailure {
        MQTTConnectionFailure(message, refusal: TransportError(.connectionFailed, message, url: broker))
    }

    /// TLS 1.2 or later and the CA bundle.
    private static func configure(_ context: OpaquePointer, _ settings: MQTTTLSSettings, broker: String) throws(MQTTConnectionFailure) {
        guard msgflo_ssl_ctx_configure(context) == 1 else { throw MQTTConnectionFailure("cannot configure TLS: \(lastError())") }
        guard settings.verify else { return }
        guard let bundle = settings.caBundle else {
            throw refuse(
                "no CA bundle to verify \(broker) with: none of \(CABundle.distributionBundles.joined(separator: ", ")) exists; "
                    + "install ca-certificates, set SSL_CERT_FILE or add ?cacertfile= to the URL", broker: broker)
        }
        guard SSL_CTX_load_verify_locations(context, bundle.path, nil) == 1 else {
            throw refuse("cannot read CA certificate file \(bundle.path) (from \(bundle.origin.description)): \(lastError())", broker: broker)
        }
    }

    /// Verification of the broker's name, SNI and the client certificate.
    private func configure(_ settings: MQTTTLSSettings, broker: String) throws(MQTTConnectionFailure) {
        if settings.verify {
            SSL_set_verify(ssl, SSL_VERIFY_PEER, nil)
            if Self.isIPAddress(settings.host) {
                X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), settings.host)
            } else {
                SSL_set1_host(ssl, settings.host)
            }
        } else {
            SSL_set_verify(ssl, SSL_VERIFY_NONE, nil)
        }
        if !Self.isIPAddress(settings.host) { _ = msgflo_ssl_set_server_name(ssl, settings.host) }
        if let certificate = settings.certificateFile {
            guard SSL_use_certificate_chain_file(ssl, certificate) == 1 else {
                throw Self.refuse("cannot read the client certificate \(certificate) (?certfile=): \(Self.lastError())", broker: broker)
            }
            let key = settings.keyFile ?? certificate
            guard SSL_use_PrivateKey_file(ssl, key, SSL_FILETYPE_PEM) == 1, SSL_check_private_key(ssl) == 1 else {
                throw Self.refuse("cannot use the client key \(key) (?keyfile=) with \(certificate): \(Self.lastError())", broker: broker)
            }
        }
    }

    /// Why the handshake failed, in words that say what to change.
    private func handshakeFailure(_ settings: MQTTTLSSettings, broker: String) -> MQTTConnectionFailure {
        let detail = Self.lastError()
        let verification = SSL_get_verify_result(ssl)
        guard verification != X509_V_OK else {
            return MQTTConnectionFailure("TLS handshake with \(broker) failed: \(detail)")
        }
        let reason = String(cString: X509_verify_cert_error_string(verification))
        let hint: String
        if verification == X509_V_ERR_HOSTNAME_MISMATCH || verification == X509_V_ERR_IP_ADDRESS_MISMATCH {
            hint = "the broker's certificate does not name \(settings.host); connect with the host name it was issued for"
        } else {
            hint = settings.caBundle?.verificationHint ?? "add ?cacertfile= with the CA that signed it"
        }
        let message = "TLS: \(broker) presented a certificate that does not verify (\(reason)): \(hint)"
        return MQTTConnectionFailure(message, refusal: TransportError(.connectionFailed, message, url: broker))
    }

    /// Decrypted bytes waiting inside OpenSSL (poll() on the socket does not see them).
    var hasBufferedInput: Bool { SSL_pending(ssl) > 0 }

    /// Writes every byte, waiting (up to 10 s a step, like the plain socket's
    /// send timeout) while the socket is full.
    func write(_ bytes: [UInt8]) throws(MQTTConnectionFailure) {
        var offset = 0
        while offset < bytes.count {
            ERR_clear_error()
            let written = bytes[offset...].withUnsafeBytes { SSL_write(ssl, $0.baseAddress, Int32(clamping: $0.count)) }
            if written > 0 {
                offset += Int(written)
                continue
            }
            let error = SSL_get_error(ssl, written)
            guard error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE,
                wait(writable: error == SSL_ERROR_WANT_WRITE, until: .now + .seconds(10))
            else {
                throw MQTTConnectionFailure("TLS write to the broker failed: \(Self.lastError(or: error))")
            }
        }
    }

    /// Reads what is there (up to 4 MiB a call); throws when the broker closed.
    func read(into buffer: inout [UInt8]) throws(MQTTConnectionFailure) {
        var chunk = [UInt8](repeating: 0, count: 65536)
        var total = 0
        while total < 4 * 1024 * 1024 {
            ERR_clear_error()
            let received = chunk.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if received > 0 {
                buffer.append(contentsOf: chunk[0..<Int(received)])
                total += Int(received)
                continue
            }
            let error = SSL_get_error(ssl, received)
            switch error {
            case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return
            case SSL_ERROR_ZERO_RETURN: throw MQTTConnectionFailure("the broker closed the TLS connection")
            case SSL_ERROR_SYSCALL where errno == EINTR || errno == EAGAIN: return
            default: throw MQTTConnectionFailure("TLS read from the broker failed: \(Self.lastError(or: error))")
            }
        }
    }

    /// Sends close_notify if it can at once; the caller closes the socket.
    func shutdown() { _ = SSL_shutdown(ssl) }

    private func wait(writable: Bool, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let left = deadline - .now
            guard left > .zero else { return false }
            var poller = pollfd(fd: descriptor, events: Int16(writable ? POLLOUT : POLLIN), revents: 0)
            let milliseconds = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            let ready = poll(&poller, 1, milliseconds)
            if ready > 0 { return true }
            if ready < 0, errno != EINTR { return false }
        }
    }

    private static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// OpenSSL's queued error, as text.
    private static func lastError(or code: Int32? = nil) -> String {
        let error = ERR_get_error()
        guard error != 0 else {
            if let code { return code == SSL_ERROR_SYSCALL ? "connection reset (\(String(cString: strerror(errno))))" : "TLS error \(code)" }
            return "unknown TLS error"
        }
        var text = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(error, &text, text.count)
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
