import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One request as `TestHTTPServer` read it.
public struct TestHTTPRequest: Sendable {
    public var method: String
    /// Path and query as sent, e.g. `/jobs/j1?wait=20`.
    public var target: String
    /// Header fields in order, names as sent.
    public var headers: [(name: String, value: String)]
    public var body: Data

    /// The target without its query.
    public var path: String { String(target.prefix { $0 != "?" }) }

    /// The first value of a header, its name compared without case.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A canned answer (`TestHTTPServer(respond:)`); `Content-Length` and
/// `Connection: close` are added.
public struct TestHTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int = 200, headers: [String: String] = [:], body: String = "") {
        self.init(status: status, headers: headers, data: Data(body.utf8))
    }

    public init(status: Int = 200, headers: [String: String] = [:], data: Data) {
        self.status = status
        self.headers = headers
        self.body = data
    }
}

/// One accepted socket of `TestHTTPServer`: what a script writes to.
public struct TestHTTPConnection: Sendable {
    public let socket: Int32

    /// Reads the request head and a `Content-Length` or chunked body; nil when
    /// the peer hangs up first or speaks something else (a TLS ClientHello).
    func readRequest() -> TestHTTPRequest? {
        var received: [UInt8] = []
        var headEnd: Int?
        while headEnd == nil {
            guard received.count < 65_536, receive(into: &received) else { return nil }
            if received.first == 0x16 { return nil } // TLS handshake: hang up
            headEnd = Self.find([13, 10, 13, 10], in: received)
        }
        guard let headEnd else { return nil }
        let lines = String(decoding: received[..<headEnd], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var request = TestHTTPRequest(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers, body: Data())
        var rest = Array(received[(headEnd + 4)...])
        if request.header("Transfer-Encoding")?.lowercased() == "chunked" {
            guard let body = readChunkedBody(after: &rest) else { return nil }
            request.body = body
        } else {
            let length = request.header("Content-Length").flatMap { Int($0) } ?? 0
            while rest.count < length {
                guard rest.count < 64 << 20, receive(into: &rest) else { return nil }
            }
            request.body = Data(rest.prefix(length))
        }
        return request
    }

    private func readChunkedBody(after buffer: inout [UInt8]) -> Data? {
        var body = Data()
        while true {
            var lineEnd = Self.find([13, 10], in: buffer)
            while lineEnd == nil {
                guard buffer.count < 1024, receive(into: &buffer) else { return nil }
                lineEnd = Self.find([13, 10], in: buffer)
            }
            guard let lineEnd else { return nil }
            let sizeText = String(decoding: buffer[..<lineEnd], as: UTF8.self).prefix { $0 != ";" }
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), size >= 0, size < 64 << 20 else { return nil }
            buffer.removeFirst(lineEnd + 2)
            while buffer.count < size + 2 {
                guard receive(into: &buffer) else { return nil }
            }
            if size == 0 { return body } // trailers, if any, are not read
            body.append(contentsOf: buffer[..<size])
            buffer.removeFirst(size + 2)
        }
    }

    private func receive(into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16_384)
        let count = recv(socket, &chunk, chunk.count, 0)
        guard count > 0 else { return false }
        buffer += chunk[..<count]
        return true
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// Writes a whole answer: status line, `Content-Length`, `Connection: close`, the headers, the body.
    public func respond(_ response: TestHTTPResponse) {
        respond(status: response.status, headers: response.headers, body: Array(response.body))
    }

    public func respond(status: Int, headers: [String: String] = [:], body: [UInt8]) {
        var head = "HTTP/1.1 \(status) Test\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            head += "\(name): \(value)\r\n"
        }
        send(head + "\r\n")
        send(bytes: body)
    }

    /// Writes text as it is (no framing added); false once the peer is gone.
    @discardableResult
    public func send(_ text: String) -> Bool {
        send(bytes: Array(text.utf8))
    }

    @discardableResult
    public func send(bytes: [UInt8]) -> Bool {
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

    /// One chunk of `size` bytes of a chunked body; false once the peer is gone.
    public func sendChunk(size: Int) -> Bool {
        send(String(size, radix: 16) + "\r\n")
            && send(bytes: [UInt8](repeating: 0x62, count: size))
            && send("\r\n")
    }

    /// Blocks until the peer closes (or `seconds` pass), without answering.
    public func waitForPeerClose(seconds: Int) {
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

    /// Makes the close at the end of the script a TCP reset instead of a
    /// clean end of stream (return from the script right after).
    public func reset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(socket, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
    }

    /// Clean close (FIN), or a reset after `reset()`: a shutdown would send a FIN first.
    func close() {
        var linger = Glibc.linger()
        var length = socklen_t(MemoryLayout<Glibc.linger>.size)
        let resets = getsockopt(socket, SOL_SOCKET, SO_LINGER, &linger, &length) == 0 && linger.l_onoff != 0 && linger.l_linger == 0
        if !resets { Glibc.shutdown(socket, Int32(SHUT_RDWR)) }
        Glibc.close(socket)
    }
}
