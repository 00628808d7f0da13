import Foundation
import Primitives
import TestSupport
import Testing

@testable import HTTPServer

/// A page and a WebSocket on one path (an FBP runtime serves both at `/`),
/// and a peer that never reads.
@Suite(.logsOnFailure, .timeLimit(.minutes(2))) struct WebSocketSharedPathTests {
    static func pageAndSocket(sent: LockedState<Int>? = nil, ended: LockedState<String?>? = nil) -> Router {
        var router = Router()
        router.get("/") { _ in HTTPResponse(text: "the page") }
        router.webSocket("/", subprotocols: ["noflo"]) { _, socket in
            for await message in socket.messages { try await socket.send(message) }
        }
        router.webSocket("/flood") { _, socket in
            // Sends until the server gives up on the peer; records how it ended.
            let chunk = String(repeating: "x", count: 16 * 1024)
            do {
                while true {
                    try await socket.send(text: chunk)
                    sent?.withLock { $0 += 1 }
                }
            } catch {
                ended?.withLock { $0 = "\(error)" }
            }
        }
        router.get("/hello") { _ in HTTPResponse(text: "hello") }
        return router
    }

    @Test(arguments: [(false, "page"), (true, "websocket")])
    func anUpgradeGetsTheSocketAnyOtherGetThePage(_ upgrade: Bool, _ expected: String) {
        guard case .found(let endpoint, _) = Self.pageAndSocket().match(method: .get, path: "/", upgrade: upgrade) else {
            Issue.record("no match")
            return
        }
        #expect((endpoint.isWebSocket ? "websocket" : "page") == expected)
    }

    @Test func aWebSocketOnlyPathStillAnswers426ToAPlainGet() {
        guard case .found(let endpoint, _) = Self.pageAndSocket().match(method: .get, path: "/flood", upgrade: false) else {
            Issue.record("no match")
            return
        }
        #expect(endpoint.isWebSocket)
    }

    @Test func overRealSockets() async throws {
        try await withServer(router: Self.pageAndSocket()) { port in
            try await onThread {
                let page = try TestClient(port: port)
                try page.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                let response = try page.readResponse()
                #expect(response.status == 200)
                #expect(String(decoding: response.body, as: UTF8.self) == "the page")

                let socket = try TestClient(port: port)
                #expect(try socket.upgrade(path: "/", protocols: "noflo").status == 101)
                try socket.sendText("hi")
                #expect(try socket.readFrame().payload == Array("hi".utf8))

                let plain = try TestClient(port: port)
                #expect(try plain.upgrade(path: "/", protocols: nil).status == 101, "no subprotocol is accepted too")
            }
        }
    }

    @Test func aPeerThatNeverReadsIsClosedAtTheBacklogLimitAndTheServerGoesOn() async throws {
        let sent = LockedState(0)
        let ended = LockedState<String?>(nil)
        let limit = 256 * 1024
        try await withServer({ $0.maxWebSocketSendBacklogBytes = limit }, router: Self.pageAndSocket(sent: sent, ended: ended)) { port in
            try await onThread {
                let client = try TestClient(port: port)
                #expect(try client.upgrade(path: "/flood", protocols: nil).status == 101)
                // ... and never reads.
                let deadline = Date().addingTimeInterval(30)
                while ended.withLock({ $0 }) == nil, Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
                let reason = ended.withLock { $0 }
                #expect(reason?.contains("closed") == true, "the handler's send failed instead of queueing forever: \(reason ?? "still sending")")
                // What the server held for it is bounded: the kernel's buffers plus the limit, not everything sent.
                #expect(sent.withLock { $0 } < 2000, "16 KiB frames sent before the close: \(sent.withLock { $0 })")
                let other = try TestClient(port: port)
                try other.send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                #expect(try other.readResponse().status == 200)
                withExtendedLifetime(client) {}
            }
        }
    }
}
