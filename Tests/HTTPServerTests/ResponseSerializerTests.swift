import TestSupport
import Testing

@testable import HTTPServer

@Suite(.logsOnFailure) struct ResponseSerializerTests {
    func serialize(
        _ response: HTTPResponse, version: HTTPVersion = .http1_1, keepAlive: Bool = true,
        includeBody: Bool = true
    ) -> String {
        var buffer: [UInt8] = []
        ResponseSerializer.append(
            response, to: &buffer, version: version, keepAlive: keepAlive,
            includeBody: includeBody, date: Array("Date: D\r\n".utf8), requestId: "r1")
        return String(decoding: buffer, as: UTF8.self)
    }

    @Test func serverOwnsFramingHeaders() {
        let response = HTTPResponse(
            headers: ["Content-Length": "999", "Connection": "upgrade", "X-A": "1"],
            body: Array("hey".utf8))
        #expect(serialize(response) == "HTTP/1.1 200 OK\r\nX-A: 1\r\nDate: D\r\nX-Request-Id: r1\r\nContent-Length: 3\r\n\r\nhey")
        #expect(
            serialize(response, keepAlive: false, includeBody: false)
                == "HTTP/1.1 200 OK\r\nX-A: 1\r\nDate: D\r\nX-Request-Id: r1\r\nContent-Length: 3\r\nConnection: close\r\n\r\n")
        #expect(serialize(response, version: .http1_0).contains("Connection: keep-alive\r\n"))
    }

    @Test func noContentHasNoLength() {
        #expect(!serialize(HTTPResponse(status: .noContent)).contains("Content-Length"))
        #expect(!serialize(HTTPResponse(status: .notModified)).contains("Content-Length"))
    }

    @Test func headerInjectionIsNeutralized() {
        let response = HTTPResponse(headers: ["Location": "/x\r\nSet-Cookie: evil=1"])
        let text = serialize(response)
        #expect(text.contains("Location: /x  Set-Cookie: evil=1\r\n"))
        #expect(!text.contains("\r\nSet-Cookie"))
    }

    @Test(arguments: [0, 7, 10, 99, 12345, Int(UInt32.max)])
    func decimalDigits(_ value: Int) {
        var buffer: [UInt8] = []
        ResponseSerializer.appendDecimal(value, to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == String(value))
    }
}
