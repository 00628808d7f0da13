import Foundation
import TestSupport
import Testing

@testable import HTTPServer

/// The main paths under both places handlers can run: on the event loop (the
/// default, which every other test uses) and on the shared pool.
@Suite(.timeLimit(.minutes(1)), .logsOnFailure) struct HandlerExecutionTests {
    static let modes: [HTTPServer.HandlerExecution] = [.eventLoop, .globalPool]

    @Test(arguments: modes)
    func pipeliningSlowHandlersStreamsAndWebSocket(_ mode: HTTPServer.HandlerExecution) async throws {
        try await withServer({
            $0.handlerExecution = mode
            $0.eventLoopCount = 1
        }) { port in
            try await onThread {
                let slow = try TestClient(port: port)
                try slow.send("GET /slow/2000 HTTP/1.1\r\nHost: x\r\n\r\n")

                let client = try TestClient(port: port)
                try client.send("GET /slow/50 HTTP/1.1\r\nHost: x\r\n\r\nGET /path/2 HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().text == "slow 50")
                #expect(try client.readResponse().text == "2")
                try client.send("GET /stream/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                let streamed = try client.readResponse()
                #expect(streamed.header("Transfer-Encoding") == "chunked")

                let socket = try TestClient(port: port)
                #expect(try socket.upgrade().status == 101)
                try socket.sendText("ping?")
                #expect(try socket.readFrame().payload == Array("ping?".utf8))

                #expect(try slow.readResponse().text == "slow 2000")
            }
        }
    }
}
