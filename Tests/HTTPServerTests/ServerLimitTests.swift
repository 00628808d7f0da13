import Foundation
import TestSupport
import Testing

@testable import HTTPServer

/// Every configurable limit, answered with its status and a closed connection.
@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct ServerLimitTests {
    static func smallLimits(_ configuration: inout HTTPServer.Configuration) {
        configuration.maxRequestLineLength = 100
        configuration.maxHeaderBytes = 300
        configuration.maxHeaderCount = 8
        configuration.maxBodyBytes = 64
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let request: String
        let status: Int
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "request line too long", request: "GET /" + String(repeating: "a", count: 200) + " HTTP/1.1\r\nHost: x\r\n\r\n", status: 414),
        Case(
            name: "header section too large", request: "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + String(repeating: "b", count: 400) + "\r\n\r\n",
            status: 431),
        Case(name: "too many headers", request: "GET / HTTP/1.1\r\nHost: x\r\n" + (1...9).map { "X-\($0): 1\r\n" }.joined() + "\r\n", status: 431),
        Case(name: "Content-Length over the limit", request: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 65\r\n\r\n", status: 413),
        Case(
            name: "chunked body over the limit",
            request: "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n" + String(repeating: "c", count: 64)
                + "\r\n1\r\nx\r\n0\r\n\r\n", status: 413),
        Case(
            name: "100-continue with a body over the limit gets 413, not 100",
            request: "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 1000\r\n\r\n", status: 413),
        Case(name: "unsupported transfer coding", request: "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", status: 501),
        Case(
            name: "Content-Length with Transfer-Encoding",
            request: "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", status: 400),
        Case(name: "HTTP/2 request line", request: "GET / HTTP/2.0\r\nHost: x\r\n\r\n", status: 505),
    ]

    @Test(arguments: cases)
    func limitIsAnsweredAndConnectionClosed(_ testCase: Case) async throws {
        try await withServer(Self.smallLimits) { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send(testCase.request)
                let response = try client.readResponse()
                #expect(response.status == testCase.status)
                #expect(response.header("Connection") == "close")
                #expect(try client.readUntilClosed().isEmpty)
            }
        }
    }

    @Test func connectionsOverTheLimitGet503WithRetryAfter() async throws {
        try await withServer({ $0.maxConnections = 2 }) { port in
            try await onThread {
                let first = try TestClient(port: port)
                let second = try TestClient(port: port)
                for client in [first, second] {
                    try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                    #expect(try client.readResponse().status == 200)
                }
                let third = try TestClient(port: port)
                let refused = try third.readResponse()
                #expect(refused.status == 503)
                #expect(refused.header("Retry-After") == "1")
                #expect(try third.readUntilClosed().isEmpty)
                // While both slots are held, later connections keep being refused.
                let fourth = try TestClient(port: port)
                #expect(try fourth.readResponse().status == 503)
                withExtendedLifetime((first, second)) {}
            }
        }
    }

    @Test func closingAConnectionFreesItsSlot() async throws {
        try await withServer({ $0.maxConnections = 1 }) { port in
            try await onThread {
                do {
                    let first = try TestClient(port: port)
                    try first.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    #expect(try first.readResponse().status == 200)
                }
                var served = false
                for _ in 0..<200 where !served {
                    let retry = try TestClient(port: port)
                    try? retry.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                    if let response = try? retry.readResponse(), response.status == 200 { served = true }
                    if !served { usleep(20_000) }
                }
                #expect(served)
            }
        }
    }

    @Test func idleKeepAliveConnectionIsClosed() async throws {
        try await withServer({ $0.idleTimeout = .milliseconds(300) }) { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().status == 200)
                #expect(try client.readUntilClosed().isEmpty)
            }
        }
    }

    @Test func slowlorisHeadersGet408AndClose() async throws {
        try await withServer({ $0.headerReadTimeout = .milliseconds(500) }) { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n")
                let fd = client.fd
                // Keep trickling header bytes in the background, as slowloris does.
                let trickler = Thread {
                    for _ in 0..<100 {
                        var byte = UInt8(ascii: "a")
                        if Glibc.send(fd, &byte, 1, Int32(MSG_NOSIGNAL)) <= 0 { return }
                        usleep(100_000)
                    }
                }
                trickler.start()
                let rest = try client.readUntilClosed()
                #expect(String(decoding: rest, as: UTF8.self).hasPrefix("HTTP/1.1 408 "))
            }
        }
    }

    @Test func silentConnectionIsClosedAfterTheHeaderDeadline() async throws {
        try await withServer({ $0.headerReadTimeout = .milliseconds(300) }) { port in
            try await onThread {
                let client = try TestClient(port: port)
                #expect(try client.readUntilClosed().isEmpty)
            }
        }
    }

    @Test func slowBodyGets408AndClose() async throws {
        try await withServer({ $0.bodyReadTimeout = .milliseconds(400) }) { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
                let response = try client.readResponse()
                #expect(response.status == 408)
                #expect(try client.readUntilClosed().isEmpty)
            }
        }
    }

    @Test func abruptCloseMidBodyDoesNotWedgeTheServer() async throws {
        try await withServer({ $0.eventLoopCount = 1 }) { port in
            try await onThread {
                for _ in 0..<5 {
                    let quitter = try TestClient(port: port)
                    try quitter.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\npartial")
                }
                let reset = try TestClient(port: port)
                try reset.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n100\r\nabc")
                var lingerOption = linger(l_onoff: 1, l_linger: 0)
                setsockopt(reset.fd, SOL_SOCKET, SO_LINGER, &lingerOption, socklen_t(MemoryLayout<linger>.size))
                let next = try TestClient(port: port)
                try next.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try next.readResponse().text == "hello")
            }
        }
    }
}
