import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A small WebSocket client for the tests, on a blocking socket with a
/// receive timeout (a broken server fails a test instead of hanging it),
/// driven from its own dispatch queue so a waiting test never blocks
/// Swift's cooperative threads (where the runtime under test runs).
final class WebSocketTestClient: Sendable {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// What the server sent: a text message, or its close frame (code), or the end of the connection.
    enum Incoming: Sendable, Equatable {
        case text(String)
        case close(UInt16?)
        case ended
    }

    private let fd: Int32
    /// Bytes read and not yet taken (used on `queue` only; the lock makes that checkable).
    private let buffer = Mutex<[UInt8]>([])
    private let queue = DispatchQueue(label: "websocket-test-client")
    private let chosen = Mutex<String?>(nil)
    /// The subprotocol the server chose, if any.
    var subprotocol: String? { chosen.withLock { $0 } }

    private init(fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    /// Connects and upgrades; throws with the HTTP status line when refused.
    static func connect(
        port: Int, path: String = "/", subprotocol: String? = "noflo",
        timeoutSeconds: Int = 20
    ) async throws -> WebSocketTestClient {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let client = WebSocketTestClient(fd: fd)
        try await client.onQueue {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
            let result = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard result == 0 else { throw Failure(description: "connect to 127.0.0.1:\(port) failed: errno \(errno)") }
            var request =
                "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            if let subprotocol { request += "Sec-WebSocket-Protocol: \(subprotocol)\r\n" }
            try client.write(Array((request + "\r\n").utf8))
            let head = try client.readHead()
            guard head.hasPrefix("HTTP/1.1 101") else { throw Failure(description: "upgrade refused: \(head.prefix(200))") }
            let subprotocol = head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("sec-websocket-protocol:") }
                .map { String($0.dropFirst("sec-websocket-protocol:".count)).trimmingCharacters(in: .whitespaces) }
            client.chosen.withLock { $0 = subprotocol }
        }
        return client
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }

    func sendText(_ text: String) async throws {
        try await sendFrame(opcode: 1, payload: Array(text.utf8))
    }

    /// One masked frame, as a browser sends it.
    func sendFrame(opcode: UInt8, payload: [UInt8], fin: Bool = true) async throws {
        try await onQueue { try self.write(Self.frame(opcode: opcode, payload: payload, fin: fin)) }
    }

    /// Raw bytes, for frames a browser would never send.
    func sendRaw(_ bytes: [UInt8]) async throws {
        try await onQueue { try self.write(bytes) }
    }

    /// The next message; pings are answered on the way.
    func receive() async throws -> Incoming {
        try await onQueue { try self.readMessage() }
    }

    static func frame(opcode: UInt8, payload: [UInt8], fin: Bool = true) -> [UInt8] {
        var frame: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            frame.append(0x80 | 126)
            frame.append(contentsOf: [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)])
        } else {
            frame.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { frame.append(UInt8(truncatingIfNeeded: payload.count >> shift)) }
        }
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        frame.append(contentsOf: mask)
        frame.append(contentsOf: payload.enumerated().map { $0.element ^ mask[$0.offset % 4] })
        return frame
    }

    // MARK: On the queue

    private func write(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw Failure(description: "send failed: errno \(errno)") }
            sent += n
        }
    }

    /// Reads more into the buffer; false at the end of the stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                buffer.withLock { $0.append(contentsOf: chunk[0..<n]) }
                return true
            }
            if n == 0 { return false }
            if errno == EINTR { continue }
            if errno == ECONNRESET { return false }
            throw Failure(description: errno == EAGAIN || errno == EWOULDBLOCK ? "timed out waiting for the server" : "recv failed: errno \(errno)")
        }
    }

    private func readExactly(_ count: Int) throws -> [UInt8]? {
        while buffer.withLock({ $0.count }) < count {
            guard try fill() else { return nil }
        }
        return buffer.withLock { buffer in
            defer { buffer.removeFirst(count) }
            return Array(buffer[0..<count])
        }
    }

    private func readHead() throws -> String {
        while true {
            let head = buffer.withLock { buffer -> String? in
                guard let end = buffer.firstRange(of: Array("\r\n\r\n".utf8)) else { return nil }
                defer { buffer.removeFirst(end.upperBound) }
                return String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
            }
            if let head { return head }
            guard try fill() else { throw Failure(description: "connection closed during the handshake") }
        }
    }

    private func readMessage() throws -> Incoming {
        var text: [UInt8] = []
        while true {
            guard let head = try readExactly(2) else { return .ended }
            var length = Int(head[1] & 0x7F)
            if length == 126 {
                guard let bytes = try readExactly(2) else { return .ended }
                length = Int(bytes[0]) << 8 | Int(bytes[1])
            } else if length == 127 {
                guard let bytes = try readExactly(8) else { return .ended }
                length = bytes.reduce(0) { $0 << 8 | Int($1) }
            }
            guard let payload = try readExactly(length) else { return .ended }
            switch head[0] & 0x0F {
            case 9:
                try write(Self.frame(opcode: 10, payload: payload))
            case 10:
                continue
            case 8:
                return .close(payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : nil)
            default:
                text += payload
                if head[0] & 0x80 != 0 { return .text(String(decoding: text, as: UTF8.self)) }
            }
        }
    }
}
