import Foundation

#if canImport(Glibc)
    import Glibc
    import MsgFlo
    import Primitives
#endif

/// A blocking TCP socket with a bounded connect, owned by one connection thread,
/// optionally with TLS on top (`startTLS`, for mqtts://).
/// Every failure is an `MQTTConnectionFailure` with a sentence naming the broker.
struct MQTTSocket {
    let descriptor: Int32
    private(set) var tls: MQTTTLSSession?

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Handshakes TLS on this socket; reads and writes go through it from then on.
    mutating func startTLS(_ settings: MQTTTLSSettings, timeout: Duration, broker: String) throws(MQTTConnectionFailure) {
        tls = try MQTTTLSSession.handshake(descriptor: descriptor, settings: settings, timeout: timeout, broker: broker)
    }

    /// Bytes already read from the socket and decrypted, which poll() cannot see.
    var hasBufferedInput: Bool { tls?.hasBufferedInput ?? false }

    /// Resolves `host` and connects to the first address that answers within `timeout`.
    static func connect(host: String, port: Int, timeout: Duration) throws(MQTTConnectionFailure) -> MQTTSocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &list)
        guard resolved == 0, let list else {
            throw MQTTConnectionFailure("cannot resolve host '\(host)': \(String(cString: gai_strerror(resolved)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let address = entry {
            entry = address.pointee.ai_next
            let fd = socket(address.pointee.ai_family, address.pointee.ai_socktype, address.pointee.ai_protocol)
            guard fd >= 0 else {
                lastError = String(cString: strerror(errno))
                continue
            }
            if let failure = connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen, timeout: timeout) {
                lastError = failure
                _ = Glibc.close(fd)
                continue
            }
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            // A write the peer never drains must fail instead of hanging the thread.
            var sendTimeout = timeval(tv_sec: 10, tv_usec: 0)
            _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, socklen_t(MemoryLayout<timeval>.size))
            return MQTTSocket(descriptor: fd)
        }
        throw MQTTConnectionFailure("cannot connect to \(host):\(port): \(lastError)")
    }

    /// Non-blocking connect bounded by `timeout`, then back to blocking; nil on success.
    private static func connect(
        _ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>?, _ length: socklen_t,
        timeout: Duration
    ) -> String? {
        let flags = fcntl(fd, F_GETFL, 0)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        if Glibc.connect(fd, address, length) != 0 {
            guard errno == EINPROGRESS else { return String(cString: strerror(errno)) }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let milliseconds = Int32(max(1, timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000))
            let ready = poll(&poller, 1, milliseconds)
            guard ready > 0 else { return ready == 0 ? "timed out after \(timeout)" : String(cString: strerror(errno)) }
            var socketError: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &size)
            if socketError != 0 { return String(cString: strerror(socketError)) }
        }
        _ = fcntl(fd, F_SETFL, flags)
        return nil
    }

    /// Writes every byte (or fails: the connection is then unusable).
    func write(_ bytes: [UInt8]) throws(MQTTConnectionFailure) {
        if let tls { return try tls.write(bytes) }
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { buffer in
                send(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                throw MQTTConnectionFailure("write to the broker failed: \(String(cString: strerror(errno)))")
            }
            offset += sent
        }
    }

    /// Reads what is available (call after poll said readable); throws when the peer closed.
    func read(into buffer: inout [UInt8]) throws(MQTTConnectionFailure) {
        if let tls { return try tls.read(into: &buffer) }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let received = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        if received == 0 { throw MQTTConnectionFailure("the broker closed the connection") }
        if received < 0 {
            if errno == EINTR || errno == EAGAIN { return }
            throw MQTTConnectionFailure("read from the broker failed: \(String(cString: strerror(errno)))")
        }
        buffer.append(contentsOf: chunk[0..<received])
    }

    func close() {
        tls?.shutdown()
        _ = Glibc.close(descriptor)
    }
}
