import Foundation
import TestSupport
import Testing

@testable import HTTPServer

/// Streamed (chunked) response bodies.
@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct StreamingResponseTests {
    /// Decodes a chunked body from raw bytes; nil if the framing is wrong.
    static func dechunk(_ bytes: [UInt8]) -> (body: String, rest: [UInt8])? {
        var index = 0
        var body: [UInt8] = []
        while true {
            guard let lineEnd = TestClient.find([13, 10], in: Array(bytes[index...])).map({ $0 + index }),
                let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self), radix: 16)
            else { return nil }
            index = lineEnd + 2
            if size == 0 {
                guard bytes.count >= index + 2, bytes[index] == 13, bytes[index + 1] == 10 else { return nil }
                return (String(decoding: body, as: UTF8.self), Array(bytes[(index + 2)...]))
            }
            guard bytes.count >= index + size + 2 else { return nil }
            body.append(contentsOf: bytes[index..<(index + size)])
            index += size + 2
        }
    }

    @Test func chunkedStreamThenKeepAlive() async throws {
        try await withServer { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send("GET /stream/3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                let raw = try client.readUntilClosed()
                let text = String(decoding: raw, as: UTF8.self)
                #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
                #expect(text.contains("Transfer-Encoding: chunked\r\n"))
                #expect(!text.contains("Content-Length"))
                let headEnd = TestClient.find([13, 10, 13, 10], in: raw)! + 4
                let decoded = Self.dechunk(Array(raw[headEnd...]))
                #expect(decoded?.body == "part 0;part 1;part 2;")
                #expect(decoded?.rest.isEmpty == true)
            }
        }
    }

    @Test func streamIsFollowedByTheNextRequest() async throws {
        try await withServer { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send("GET /stream/2 HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                let raw = try client.readUntilClosed()
                let headEnd = TestClient.find([13, 10, 13, 10], in: raw)! + 4
                let decoded = try #require(Self.dechunk(Array(raw[headEnd...])))
                #expect(decoded.body == "part 0;part 1;")
                #expect(String(decoding: decoded.rest, as: UTF8.self).hasPrefix("HTTP/1.1 200 OK"))
                #expect(String(decoding: decoded.rest, as: UTF8.self).hasSuffix("hello"))
            }
        }
    }

    @Test func http10StreamEndsWithTheConnection() async throws {
        try await withServer { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send("GET /stream/2 HTTP/1.0\r\n\r\n")
                let response = try client.readResponse()
                #expect(response.header("Transfer-Encoding") == nil)
                #expect(response.header("Connection") == "close")
                #expect(response.text == "part 0;part 1;")
            }
        }
    }

    @Test func failingProducerCutsTheConnectionWithoutTheLastChunk() async throws {
        try await withServer { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send("GET /stream-fails HTTP/1.1\r\nHost: x\r\n\r\n")
                let raw = try client.readUntilClosed()
                let headEnd = TestClient.find([13, 10, 13, 10], in: raw)! + 4
                #expect(Self.dechunk(Array(raw[headEnd...])) == nil, "an incomplete chunked body")
            }
        }
    }

    @Test func headOfAStreamedRouteHasNoBody() async throws {
        try await withServer { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send("HEAD /stream/2 HTTP/1.1\r\nHost: x\r\n\r\n")
                let head = try client.readResponse(head: true)
                #expect(head.status == 200)
                try client.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().text == "hello")
            }
        }
    }
}
