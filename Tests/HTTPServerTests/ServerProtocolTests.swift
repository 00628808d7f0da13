import Foundation
import TestSupport
import Testing

@testable import HTTPServer

/// HTTP/1.1 behaviour over real sockets on 127.0.0.1 (and ::1).
@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct ServerProtocolTests {
    @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
        try await withServer { port in
            try await onThread {
                let client = try TestClient(port: port)
                for n in 1...3 {
                    try client.send("GET /path/\(n) HTTP/1.1\r\nHost: x\r\n\r\n")
                    let response = try client.readResponse()
                    #expect(response.status == 200)
                    #expect(response.text == "\(n)")
                    #expect(response.header("Connection") == nil)
                }
            }
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withServer { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send(
                    "GET /slow/300 HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nbodyGET /path/last HTTP/1.1\r\nHost: x\r\n\r\n")
                let texts = try (0..<4).map { _ in try client.readResponse().text }
                #expect(texts == ["slow 300", "hello", "body", "last"])
            }
        }
    }

    @Test func headAnswersWithGetHeadersAndNoBody() async throws {
        try await withServer { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                let head = try client.readResponse(head: true)
                #expect(head.status == 200)
                #expect(head.header("Content-Length") == "5")
                // Were body bytes sent, they would corrupt this next response.
                try client.send("GET /path/after HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().text == "after")
            }
        }
    }

    @Test func http10ClosesUnlessKeepAliveIsAsked() async throws {
        try await withServer { port in
            try await onThread {
                let plain = try TestClient(port: port)
                try plain.send("GET /hello HTTP/1.0\r\n\r\n")
                let response = try plain.readResponse()
                #expect(response.text == "hello")
                #expect(response.header("Connection") == "close")
                #expect(try plain.readUntilClosed().isEmpty)

                let kept = try TestClient(port: port)
                try kept.send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                #expect(try kept.readResponse().header("Connection") == "keep-alive")
                try kept.send("GET /path/2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                #expect(try kept.readResponse().text == "2")
            }
        }
    }

    @Test func expectContinueGets100ThenTheResponse() async throws {
        try await withServer { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
                #expect(try client.readResponse().status == 100)
                try client.send("hello")
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.text == "hello")
            }
        }
    }

    @Test func chunkedBodyWithTrailersIsReassembled() async throws {
        try await withServer { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send(
                    "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "4\r\nwiki\r\n5;note=x\r\npedia\r\n0\r\nChecksum: abc\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.text == "wikipedia")
                #expect(response.header("X-Trailer-Checksum") == "abc")
            }
        }
    }

    @Test(arguments: [
        "GARBAGE\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n",
        "\u{16}\u{3}\u{1}\u{0}\u{a5}\u{1}\u{0}\u{0}\u{a1}\u{3}\u{3}\r\n\r\n",
    ])
    func malformedRequestGets400AndClose(_ raw: String) async throws {
        try await withServer { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send(raw)
                let response = try client.readResponse()
                #expect(response.status == 400)
                #expect(response.header("Connection") == "close")
                #expect(try client.readUntilClosed().isEmpty)
                // The server is still fine.
                let next = try TestClient(port: port)
                try next.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try next.readResponse().status == 200)
            }
        }
    }

    @Test func notFoundAndMethodNotAllowedWithAllow() async throws {
        try await withServer { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().status == 404)
                try client.send("DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.status == 405)
                #expect(response.header("Allow") == "GET, HEAD")
            }
        }
    }

    @Test func requestIdIsHonouredOrGenerated() async throws {
        try await withServer { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send("GET /request-id HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc-123\r\n\r\n")
                let given = try client.readResponse()
                #expect(given.text == "abc-123")
                #expect(given.header("X-Request-Id") == "abc-123")
                try client.send("GET /request-id HTTP/1.1\r\nHost: x\r\n\r\n")
                let generated = try client.readResponse()
                #expect(!generated.text.isEmpty && generated.text != "abc-123")
                #expect(generated.header("X-Request-Id") == generated.text)
            }
        }
    }

    @Test func slowHandlerDoesNotBlockOtherConnections() async throws {
        try await withServer({ $0.eventLoopCount = 1 }) { port in
            try await onThread {
                let slow = try TestClient(port: port)
                try slow.send("GET /slow/5000 HTTP/1.1\r\nHost: x\r\n\r\n")
                let fast = try TestClient(port: port)
                try fast.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try fast.readResponse().text == "hello")
                // The slow one is still pending: nothing to read yet.
                var pending = pollfd(fd: slow.fd, events: Int16(POLLIN), revents: 0)
                #expect(poll(&pending, 1, 0) == 0)
                #expect(try slow.readResponse().text == "slow 5000")
            }
        }
    }

    @Test func dualStackListenerServesIPv4AndIPv6() async throws {
        try await withServer({ $0.host = nil }) { port in
            try await onThread {
                for host in ["127.0.0.1", "::1"] {
                    let client = try TestClient(port: port, host: host)
                    try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                    #expect(try client.readResponse().text == "hello", "via \(host)")
                }
            }
        }
    }

    @Test func ipv6OnlyHost() async throws {
        try await withServer({ $0.host = "::1" }) { port in
            try await onThread {
                let client = try TestClient(port: port, host: "::1")
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().text == "hello")
            }
        }
    }

    @Test func clientThatReadsLateStillGetsEveryPipelinedResponseInOrder() async throws {
        try await withServer { port in
            try await onThread {
                let client = try TestClient(port: port)
                var batch = ""
                for n in 0..<24 { batch += "GET /big/\(256 + n) HTTP/1.1\r\nHost: x\r\n\r\n" }
                try client.send(batch)
                usleep(300_000) // let the server hit a full socket buffer
                for n in 0..<24 {
                    let response = try client.readResponse()
                    #expect(response.status == 200)
                    #expect(response.body.count == (256 + n) * 1024)
                }
            }
        }
    }

    @Test func routerAnswersWithoutASocket() async {
        let router = testRouter()
        let response = await router.respond(to: HTTPRequest(method: .get, target: "/path/abc"))
        #expect(String(decoding: response.body, as: UTF8.self) == "abc")
        #expect(await router.respond(to: HTTPRequest(method: .get, target: "/ws")).status.code == 426)
        #expect(await router.respond(to: HTTPRequest(method: .put, target: "/hello")).status.code == 405)
    }

    @Test func halfClosedClientStillGetsItsResponse() async throws {
        try await withServer { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send("GET /slow/100 HTTP/1.1\r\nHost: x\r\n\r\n")
                client.shutdownWrite()
                let response = try client.readResponse()
                #expect(response.text == "slow 100")
                #expect(response.header("Connection") == "close")
                #expect(try client.readUntilClosed().isEmpty)
            }
        }
    }
}
