import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A request as the mini server hands it to its handler.
public struct ServerRequest: Sendable {
    public var method: String
    public var path: String
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: Data
    /// The request line exactly as received (tests record contracts with it).
    public var requestLine: String
    /// Header lines exactly as received, in order.
    public var rawHeaders: [String]
}

/// What a handler answers; the server adds Content-Length and `Connection: close`.
public struct ServerResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: Data

    public init(status: Int, contentType: String = "application/json", body: Data = Data()) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    public static func json(_ status: Int, _ object: Any) -> ServerResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return ServerResponse(status: status, body: data)
    }
}

/// A minimal blocking HTTP/1.1 listener on 127.0.0.1 for the local formation API,
/// the metrics page and test stubs: one dedicated thread accepts and answers one
/// connection at a time, `Connection: close`. Enough for a few requests a second;
/// it never touches Swift's cooperative pool.
public final class MiniHTTPServer: @unchecked Sendable {
    public typealias Handler = @Sendable (ServerRequest) -> ServerResponse

    private let handler: Handler
    private let lock = NSLock()
    private var socketFD: Int32 = -1
    private var stopped = false
    private var thread: Thread?
    /// The port actually bound (useful with port 0).
    public private(set) var port: Int = 0
    public static let maxBody = 1 << 20

    public init(handler: @escaping Handler) {
        self.handler = handler
    }

    /// Bind and start serving. Port 0 picks a free port.
    public func start(port requested: Int, host: String = "127.0.0.1") throws(ServerError) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError("socket() failed: errno \(errno)") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(requested).bigEndian)
        addr.sin_addr.s_addr = inet_addr(host)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            close(fd)
            throw ServerError("cannot listen on \(host):\(requested) (errno \(errno)); is the port in use?")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        port = Int(UInt16(bigEndian: actual.sin_port))
        lock.withLock { socketFD = fd }
        let thread = Thread { [self] in acceptLoop(fd) }
        thread.name = "guv-http-\(port)"
        self.thread = thread
        thread.start()
    }

    public func stop() {
        let fd: Int32 = lock.withLock {
            stopped = true
            let fd = socketFD
            socketFD = -1
            return fd
        }
        if fd >= 0 {
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop(_ fd: Int32) {
        while !isStopped {
            let client = accept(fd, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            var timeout = timeval(tv_sec: 5, tv_usec: 0)
            setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let response: ServerResponse
            if let request = Self.readRequest(client) {
                response = handler(request)
            } else {
                response = .json(400, ["id": "bad_request", "message": "malformed HTTP request"])
            }
            Self.write(response, to: client)
            close(client)
        }
    }

    static func readRequest(_ fd: Int32) -> ServerRequest? {
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        let separator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while headerEnd == nil {
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { return nil }
            buffer.append(contentsOf: chunk[0..<n])
            if buffer.count > 64 * 1024 { return nil }
            if buffer.count >= 4 {
                for i in max(0, buffer.count - n - 3)...(buffer.count - 4) where Array(buffer[i..<i + 4]) == separator {
                    headerEnd = i
                    break
                }
            }
        }
        guard let end = headerEnd, let head = String(bytes: buffer[0..<end], encoding: .utf8) else { return nil }
        let lines = head.components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        guard length >= 0, length <= maxBody else { return nil }
        var body = Array(buffer[(end + 4)...])
        while body.count < length {
            let n = read(fd, &chunk, min(chunk.count, length - body.count))
            if n <= 0 { return nil }
            body.append(contentsOf: chunk[0..<n])
        }
        return ServerRequest(method: String(parts[0]), path: String(parts[1]), headers: headers,
                             body: Data(body.prefix(length)), requestLine: lines[0],
                             rawHeaders: Array(lines.dropFirst()))
    }

    static func write(_ response: ServerResponse, to fd: Int32) {
        let reason = [200: "OK", 201: "Created", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found",
                      405: "Method Not Allowed", 422: "Unprocessable Entity", 500: "Internal Server Error"][response.status] ?? "Status"
        var text = "HTTP/1.1 \(response.status) \(reason)\r\n"
        text += "Content-Type: \(response.contentType)\r\nContent-Length: \(response.body.count)\r\nConnection: close\r\n\r\n"
        var bytes = Array(text.utf8)
        bytes.append(contentsOf: response.body)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return }
            offset += n
        }
    }
}

/// The listener could not start, with what to check.
public struct ServerError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
