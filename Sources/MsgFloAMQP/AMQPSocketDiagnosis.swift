import Foundation

#if canImport(Glibc)
    import Glibc
    import MsgFlo
    import Primitives
#endif

/// Finds out why a TCP connect failed, because rabbitmq-c only reports "a
/// socket error occurred" and an operator needs "connection refused" or
/// "host not found" to know what to fix.
enum AMQPSocketDiagnosis {
    /// The system's reason connecting to `host:port` fails, or nil if it now succeeds.
    static func reason(host: String, port: Int, timeout: Duration) -> String? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let lookup = getaddrinfo(host, String(port), &hints, &list)
        guard lookup == 0, let first = list else {
            return "cannot resolve host '\(host)' (\(String(cString: gai_strerror(lookup))))"
        }
        defer { freeaddrinfo(list) }
        var lastError: Int32 = 0
        var address: UnsafeMutablePointer<addrinfo>? = first
        while let current = address {
            address = current.pointee.ai_next
            let fd = socket(current.pointee.ai_family, current.pointee.ai_socktype, current.pointee.ai_protocol)
            guard fd >= 0 else {
                lastError = errno
                continue
            }
            defer { close(fd) }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if connect(fd, current.pointee.ai_addr, current.pointee.ai_addrlen) == 0 { return nil }
            guard errno == EINPROGRESS else {
                lastError = errno
                continue
            }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            // A configured timeout of any size: clamped, never a trapping conversion.
            let milliseconds = Int32(clamping: min(max(timeout.components.seconds, 0), Int64(Int32.max) / 1000) * 1000)
            let ready = poll(&poller, 1, milliseconds)
            if ready == 0 {
                lastError = ETIMEDOUT
                continue
            }
            var result: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &result, &length)
            if result == 0 { return nil }
            lastError = result
        }
        return String(cString: strerror(lastError)).lowercased()
    }
}
