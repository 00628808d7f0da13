import Foundation
import Testing
@testable import Guv
#if canImport(Glibc)
import Glibc
#endif

@Suite("Mini HTTP listener")
struct MiniHTTPServerTests {
    /// Write raw bytes into one end of a socket pair and parse from the other.
    func parse(_ raw: String) -> ServerRequest? {
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else { return nil }
        defer { close(fds[0]) }
        let bytes = Array(raw.utf8)
        _ = bytes.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
        close(fds[1])
        return MiniHTTPServer.readRequest(fds[0])
    }

    @Test func parsesRequestLineHeadersAndBody() throws {
        let request = try #require(parse("PATCH /apps/local/formation HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nX-A:  b \r\n\r\nbody"))
        #expect(request.method == "PATCH" && request.path == "/apps/local/formation")
        #expect(request.requestLine == "PATCH /apps/local/formation HTTP/1.1")
        #expect(request.headers["x-a"] == "b" && request.headers["host"] == "x")
        #expect(request.rawHeaders == ["Host: x", "Content-Length: 4", "X-A:  b "])
        #expect(String(decoding: request.body, as: UTF8.self) == "body")
    }

    static let malformed = [
        "garbage\r\n\r\n",                                                  // no method and path
        "GET / HTTP/1.1\r\nContent-Length: 10\r\n\r\nshort",               // body cut short
        "POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n",             // above the body limit
        "GET / HTTP/1.1\r\nHost: never ends",                              // no end of headers
    ]

    @Test("rejects malformed requests", arguments: malformed)
    func rejects(_ raw: String) {
        #expect(parse(raw) == nil)
    }

    @Test func answersMalformedRequestsWith400() async throws {
        let server = MiniHTTPServer { _ in .json(200, ["ok": true]) }
        try server.start(port: 0)
        defer { server.stop() }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(server.port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        let raw = Array("nonsense\r\n\r\n".utf8)
        _ = raw.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let n = read(fd, &buffer, buffer.count)
        let answer = String(decoding: buffer[0..<max(0, n)], as: UTF8.self)
        #expect(answer.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        #expect(answer.contains("Connection: close"))
    }
}
