import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 written with POSIX sockets, so tests
/// control the wire precisely: slow answers, lying or missing lengths, endless
/// chunked bodies, redirects. One thread accepts, one thread per connection;
/// every response closes the connection.
final class TestHTTPServer: @unchecked Sendable {
    typealias Handler = @Sendable (_ path: String, _ connection: TestConnection) -> Void

    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var paths: [String] = []
    private var stopped = false

    /// The request paths received so far, in order.
    var requestedPaths: [String] {
        lock.withLock { paths }
    }

    init(handler: @escaping Handler = TestHTTPServer.standardRoutes) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        guard listener >= 0 else { throw TestServerError("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(listener, 64) == 0 else {
            close(listener)
            throw TestServerError("bind/listen: \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(listener, nil, nil)
                guard client >= 0 else {
                    // Closed here once stopped, not in stop(): were stop() to
                    // close it, a later server could get the same descriptor
                    // number before this thread calls accept, and this thread
                    // would steal that server's connections.
                    if lock.withLock({ stopped }) {
                        close(listener)
                        return
                    }
                    usleep(1000)  // EINTR, ECONNABORTED, EMFILE...: try again
                    continue
                }
                Thread.detachNewThread { [self] in
                    serve(client, handler: handler)
                }
            }
        }
    }

    /// Base URL through 127.0.0.1, e.g. `http://127.0.0.1:4711`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Stops accepting: the accept thread wakes (or never blocks) and closes the socket.
    func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        if first { shutdown(listener, Int32(SHUT_RDWR)) }
    }

    private func serve(_ client: Int32, handler: Handler) {
        let connection = TestConnection(socket: client)
        defer { connection.close() }
        guard let path = connection.readRequestPath() else { return }
        lock.withLock { paths.append(path) }
        handler(path, connection)
    }

    /// Routes the tests use; see each case.
    static let standardRoutes: Handler = { path, connection in
        let parts = path.split(separator: "?", maxSplits: 1)
        let route = parts.first.map(String.init) ?? path
        let query = parts.count > 1 ? String(parts[1]) : ""
        let segments = route.split(separator: "/").map(String.init)
        switch segments.first {
        case "file":  // 200 with a known body
            connection.respond(status: 200, headers: ["Content-Type": "image/png"], body: TestFixtures.body)
        case "status":  // /status/404
            connection.respond(status: Int(segments.last ?? "") ?? 500, headers: ["Content-Type": "text/plain"], body: Array("status".utf8))
        case "length-lie":  // announces a huge body, sends nothing, waits
            connection.send("HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\nConnection: close\r\n\r\n")
            connection.waitForPeerClose(seconds: 30)
        case "chunked":  // /chunked/<bytes>: chunked body, no length
            connection.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            var left = Int(segments.last ?? "") ?? 0
            while left > 0 {
                let size = min(left, 16_384)
                guard connection.sendChunk(size: size) else { return }
                left -= size
            }
            connection.send("0\r\n\r\n")
        case "endless":  // chunked body that never ends
            connection.send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
            while connection.sendChunk(size: 16_384) {}
        case "close-delimited":  // /close-delimited/<bytes>: no length, body ends at close
            connection.send("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
            connection.send(bytes: [UInt8](repeating: 0x61, count: Int(segments.last ?? "") ?? 0))
        case "endless-headers":  // a header section that never ends
            connection.send("HTTP/1.1 200 OK\r\n")
            while connection.send("X-Filler: " + String(repeating: "f", count: 1000) + "\r\n") {}
        case "slow":  // never answers; waits until the client gives up
            connection.waitForPeerClose(seconds: 30)
        case "redirect":  // /redirect?to=<percent-encoded URL>
            let target = query.hasPrefix("to=") ? String(query.dropFirst(3)).removingPercentEncoding ?? "" : ""
            connection.respond(status: 302, headers: ["Location": target], body: [])
        case "chain":  // /chain/<n>: n relative redirects, then 200 "end"
            let left = Int(segments.last ?? "") ?? 0
            if left > 0 {
                connection.respond(status: 302, headers: ["Location": "/chain/\(left - 1)"], body: [])
            } else {
                connection.respond(status: 200, headers: ["Content-Type": "text/plain"], body: Array("end".utf8))
            }
        default:
            connection.respond(status: 404, headers: [:], body: [])
        }
    }
}

struct TestServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum TestFixtures {
    /// 100 000 deterministic pseudo-random bytes.
    static let body: [UInt8] = {
        var state: UInt32 = 2_463_534_242
        return (0..<100_000).map { _ in
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            return UInt8(truncatingIfNeeded: state)
        }
    }()
}

/// One accepted socket of `TestHTTPServer`.
struct TestConnection {
    let socket: Int32

    func readRequestPath() -> String? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.count < 65_536 {
            let count = recv(socket, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            received += buffer[..<count]
            if received.first == 0x16 { return nil }  // a TLS ClientHello: hang up
            if let text = String(bytes: received, encoding: .utf8), text.contains("\r\n\r\n") {
                let requestLine = text.prefix { $0 != "\r" }.split(separator: " ")
                return requestLine.count >= 2 ? String(requestLine[1]) : nil
            }
        }
        return nil
    }

    func respond(status: Int, headers: [String: String], body: [UInt8]) {
        var head = "HTTP/1.1 \(status) Test\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (name, value) in headers {
            head += "\(name): \(value)\r\n"
        }
        send(head + "\r\n")
        send(bytes: body)
    }

    @discardableResult
    func send(_ text: String) -> Bool {
        send(bytes: Array(text.utf8))
    }

    @discardableResult
    func send(bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }

    func sendChunk(size: Int) -> Bool {
        send(String(size, radix: 16) + "\r\n")
            && send(bytes: [UInt8](repeating: 0x62, count: size))
            && send("\r\n")
    }

    /// Blocks until the peer closes (or `seconds` pass), without answering.
    func waitForPeerClose(seconds: Int) {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        var buffer = [UInt8](repeating: 0, count: 1024)
        let deadline = Date().addingTimeInterval(TimeInterval(seconds))
        while Date() < deadline {
            guard poll(&descriptor, 1, 200) >= 0 else { return }
            if descriptor.revents != 0 {
                if recv(socket, &buffer, buffer.count, 0) <= 0 { return }
            }
        }
    }

    func close() {
        Glibc.shutdown(socket, Int32(SHUT_RDWR))
        Glibc.close(socket)
    }
}
