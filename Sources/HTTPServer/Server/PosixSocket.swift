#if canImport(Glibc)
    import Glibc
#endif

/// A failed socket call, naming the call and the OS reason.
public struct SocketError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var code: Int32

    init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    public var description: String {
        "\(operation) failed: \(String(cString: strerror(code))) (errno \(code))"
            + (code == EADDRINUSE ? "; another process uses the port: pick another PORT" : "")
    }
}

/// Thin helpers over the POSIX socket calls the server needs.
enum PosixSocket {
    static let streamFlags = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)

    /// Opens non-blocking listening sockets. `host == nil` means a dual-stack `[::]`
    /// socket (falling back to `0.0.0.0` where IPv6 is off); a named host binds each
    /// of its addresses on the same port.
    static func listen(host: String?, port: Int, backlog: Int32) throws -> (fds: [Int32], port: Int) {
        if host == nil {
            if let fd = try? bind(family: AF_INET6, address: "::", port: port, dualStack: true) {
                return try finish([fd], backlog: backlog)
            }
            return try finish([bind(family: AF_INET, address: "0.0.0.0", port: port, dualStack: false)], backlog: backlog)
        }
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0, let first = list else {
            throw SocketError("resolving host '\(host!)': \(String(cString: gai_strerror(status)))", code: 0)
        }
        defer { freeaddrinfo(list) }
        var fds: [Int32] = []
        var boundPort = port
        var seen: [String] = []
        var entry: UnsafeMutablePointer<addrinfo>? = first
        do {
            while let info = entry {
                entry = info.pointee.ai_next
                let family = info.pointee.ai_family
                guard family == AF_INET || family == AF_INET6 else { continue }
                let address = describe(info.pointee.ai_addr, includePort: false)
                if seen.contains(address) { continue }
                seen.append(address)
                let fd = try bind(family: family, address: address, port: boundPort, dualStack: false)
                fds.append(fd)
                if boundPort == 0 { boundPort = localPort(fd) }
            }
        } catch {
            fds.forEach { _ = close($0) }
            throw error
        }
        guard !fds.isEmpty else { throw SocketError("binding '\(host!)': no IPv4 or IPv6 address", code: 0) }
        return try finish(fds, backlog: backlog)
    }

    private static func finish(_ fds: [Int32], backlog: Int32) throws -> (fds: [Int32], port: Int) {
        for fd in fds where Glibc.listen(fd, backlog) != 0 {
            let error = SocketError("listen")
            fds.forEach { _ = close($0) }
            throw error
        }
        return (fds, localPort(fds[0]))
    }

    private static func bind(family: Int32, address: String, port: Int, dualStack: Bool) throws -> Int32 {
        // The port comes from configuration ($PORT): out of range is an error to report, not a trap.
        guard let port16 = UInt16(exactly: port) else { throw SocketError("bind to port \(port) (ports are 0 to 65535)", code: EINVAL) }
        let fd = socket(family, streamFlags, 0)
        guard fd >= 0 else { throw SocketError("socket") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var result: Int32
        if family == AF_INET6 {
            var v6only: Int32 = dualStack ? 0 : 1
            setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &v6only, socklen_t(MemoryLayout<Int32>.size))
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = in_port_t(port16.bigEndian)
            inet_pton(AF_INET6, address, &addr.sin6_addr)
            result = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(port16.bigEndian)
            inet_pton(AF_INET, address, &addr.sin_addr)
            result = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard result == 0 else {
            let error = SocketError("bind [\(address)]:\(port)")
            close(fd)
            throw error
        }
        return fd
    }

    static func localPort(_ fd: Int32) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
        }
        let family = storage.ss_family
        return withUnsafePointer(to: &storage) { pointer in
            if family == sa_family_t(AF_INET6) {
                return pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin6_port)) }
            }
            return pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { Int(UInt16(bigEndian: $0.pointee.sin_port)) }
        }
    }

    /// Accepts one connection: nil when none is pending, else the descriptor and
    /// the peer address; other failures throw.
    static func accept(_ listener: Int32) throws -> (fd: Int32, address: String)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.accept(listener, $0, &length)
            }
        }
        if fd < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR || errno == ECONNABORTED { return nil }
            throw SocketError("accept")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let address = withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { describe($0, includePort: true) }
        }
        return (fd, address)
    }

    static func describe(_ address: UnsafePointer<sockaddr>, includePort: Bool) -> String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        if address.pointee.sa_family == sa_family_t(AF_INET6) {
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { in6 in
                var addr = in6.pointee.sin6_addr
                inet_ntop(AF_INET6, &addr, &text, socklen_t(text.count))
                let host = text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                return includePort ? "[\(host)]:\(UInt16(bigEndian: in6.pointee.sin6_port))" : host
            }
        }
        return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { in4 in
            var addr = in4.pointee.sin_addr
            inet_ntop(AF_INET, &addr, &text, socklen_t(text.count))
            let host = text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            return includePort ? "\(host):\(UInt16(bigEndian: in4.pointee.sin_port))" : host
        }
    }
}
