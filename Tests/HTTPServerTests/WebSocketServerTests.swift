import Foundation
import TestSupport
import Testing

@testable import HTTPServer

/// WebSocket over real sockets against the echo route of `testRouter()`.
@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct WebSocketServerTests {
    static func limits(_ configuration: inout HTTPServer.Configuration) {
        configuration.maxWebSocketMessageBytes = 1024
    }

    @Test func handshakeNegotiatesSubprotocolAndEchoes() async throws {
        try await withServer(Self.limits) { port in
            try await onThread {
                let client = try TestClient(port: port)
                let response = try client.upgrade(protocols: "other, noflo")
                #expect(response.status == 101)
                #expect(response.header("Sec-WebSocket-Accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
                #expect(response.header("Sec-WebSocket-Protocol") == "noflo")
                try client.sendText("hello")
                let text = try client.readFrame()
                #expect(text.opcode == 1 && text.fin && text.payload == Array("hello".utf8))
                try client.sendFrame(opcode: 2, payload: Array(0..<200).map(UInt8.init))
                let binary = try client.readFrame()
                #expect(binary.opcode == 2 && binary.payload == Array(0..<200).map(UInt8.init))
            }
        }
    }

    @Test func pingGetsPongWithTheSamePayload() async throws {
        try await withServer(Self.limits) { port in
            try await onThread {
                let client = try TestClient(port: port)
                #expect(try client.upgrade().status == 101)
                try client.sendFrame(opcode: 9, payload: [1, 2, 3])
                let pong = try client.readFrame()
                #expect(pong.opcode == 10 && pong.payload == [1, 2, 3])
            }
        }
    }

    @Test func fragmentedMessageIsReassembledAroundAPing() async throws {
        try await withServer(Self.limits) { port in
            try await onThread {
                let client = try TestClient(port: port)
                #expect(try client.upgrade().status == 101)
                try client.sendText("frag", fin: false)
                try client.sendFrame(opcode: 9, payload: Array("p".utf8))
                try client.sendFrame(opcode: 0, payload: Array("men".utf8), fin: false)
                try client.sendFrame(opcode: 0, payload: Array("ted".utf8))
                let pong = try client.readFrame()
                #expect(pong.opcode == 10)
                let message = try client.readFrame()
                #expect(String(decoding: message.payload, as: UTF8.self) == "fragmented")
            }
        }
    }

    @Test func clientCloseIsEchoedAndConnectionEnds() async throws {
        try await withServer(Self.limits) { port in
            try await onThread {
                let client = try TestClient(port: port)
                #expect(try client.upgrade().status == 101)
                try client.sendClose(code: 1000)
                #expect(try client.readCloseCode() == 1000)
                #expect(try client.readUntilClosed().isEmpty)
            }
        }
    }

    @Test func handlerCloseSendsCodeAndReason() async throws {
        try await withServer(Self.limits) { port in
            try await onThread {
                let client = try TestClient(port: port)
                #expect(try client.upgrade().status == 101)
                try client.sendText("close-please")
                let frame = try client.readFrame()
                #expect(frame.opcode == 8)
                #expect(frame.payload == [0x03, 0xE8] + Array("bye".utf8))
            }
        }
    }

    struct Violation: Sendable, CustomTestStringConvertible {
        let name: String
        let code: UInt16
        let send: @Sendable (TestClient) throws -> Void
        var testDescription: String { name }
    }

    static let violations: [Violation] = [
        Violation(name: "unmasked frame", code: 1002) { try $0.sendFrame(opcode: 1, payload: Array("x".utf8), masked: false) },
        Violation(name: "message over the limit", code: 1009) { try $0.sendFrame(opcode: 2, payload: [UInt8](repeating: 7, count: 2000)) },
        Violation(name: "fragments over the limit", code: 1009) {
            try $0.sendFrame(opcode: 2, payload: [UInt8](repeating: 7, count: 1000), fin: false)
            try $0.sendFrame(opcode: 0, payload: [UInt8](repeating: 7, count: 100))
        },
        Violation(name: "invalid UTF-8 text", code: 1007) { try $0.sendFrame(opcode: 1, payload: [0xFF, 0xFE]) },
        Violation(name: "reserved bits", code: 1002) { try $0.sendFrame(opcode: 1, payload: [], rsv: 0x40) },
        Violation(name: "orphan continuation", code: 1002) { try $0.sendFrame(opcode: 0, payload: [1]) },
    ]

    @Test(arguments: violations)
    func protocolViolationClosesWithCode(_ violation: Violation) async throws {
        try await withServer(Self.limits) { port in
            try await onThread {
                let client = try TestClient(port: port)
                #expect(try client.upgrade().status == 101)
                try violation.send(client)
                #expect(try client.readCloseCode() == violation.code)
                #expect(try client.readUntilClosed().isEmpty)
            }
        }
    }

    @Test func refusedHandshakes() async throws {
        try await withServer(Self.limits) { port in
            try await onThread {
                let plain = try TestClient(port: port)
                try plain.send("GET /ws HTTP/1.1\r\nHost: x\r\n\r\n")
                let upgradeRequired = try plain.readResponse()
                #expect(upgradeRequired.status == 426)
                #expect(upgradeRequired.header("Upgrade") == "websocket")

                let wrongProtocol = try TestClient(port: port)
                #expect(try wrongProtocol.upgrade(protocols: "mqtt").status == 400)

                let noProtocol = try TestClient(port: port)
                let accepted = try noProtocol.upgrade(protocols: nil)
                #expect(accepted.status == 101)
                #expect(accepted.header("Sec-WebSocket-Protocol") == nil)
            }
        }
    }

    @Test func shutdownSendsGoingAway() async throws {
        var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0, eventLoopCount: 1)
        configuration.accessLog = false
        let server = HTTPServer(configuration: configuration, router: testRouter())
        let port = try server.start()
        let code = try await onThread { () -> UInt16? in
            let client = try TestClient(port: port)
            _ = try client.upgrade()
            server.shutdown()
            return try client.readCloseCode()
        }
        #expect(code == 1001)
        await server.waitUntilStopped()
    }

    @Test func slowHandlerGetsEveryMessageInOrder() async throws {
        try await withServer(Self.limits) { port in
            try await onThread {
                let client = try TestClient(port: port)
                #expect(try client.upgrade(path: "/ws-slow").status == 101)
                let count = WebSocketInbox.highWater * 5
                for n in 0..<count { try client.sendText("\(n)") }
                for n in 0..<count {
                    let frame = try client.readFrame()
                    #expect(String(decoding: frame.payload, as: UTF8.self) == "\(n)")
                }
            }
        }
    }
}

/// The server pings a silent WebSocket peer and drops one that never answers.
@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct WebSocketPingTests {
    static func fastPings(_ configuration: inout HTTPServer.Configuration) {
        configuration.webSocketPingInterval = .milliseconds(300)
    }

    @Test func silentPeerIsPingedThenClosed() async throws {
        try await withServer(Self.fastPings) { port in
            try await onThread {
                let client = try TestClient(port: port)
                #expect(try client.upgrade().status == 101)
                #expect(try client.readFrame().opcode == 9)
                #expect(try client.readCloseCode() == 1001)
                #expect(try client.readUntilClosed().isEmpty)
            }
        }
    }

    @Test func peerThatAnswersStaysConnected() async throws {
        try await withServer(Self.fastPings) { port in
            try await onThread {
                let client = try TestClient(port: port)
                #expect(try client.upgrade().status == 101)
                for _ in 0..<3 {
                    let ping = try client.readFrame()
                    #expect(ping.opcode == 9)
                    try client.sendFrame(opcode: 10, payload: ping.payload)
                }
                try client.sendText("still here")
                var frame = try client.readFrame()
                while frame.opcode == 9 { // a slow machine may ping again first
                    try client.sendFrame(opcode: 10, payload: frame.payload)
                    frame = try client.readFrame()
                }
                #expect(frame.opcode == 1 && frame.payload == Array("still here".utf8))
            }
        }
    }
}
