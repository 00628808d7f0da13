import Foundation
import Logging
import Testing
@testable import HTTPServer

/// Graceful shutdown: in-flight requests finish, idle connections close, `run()` returns.
@Suite struct ShutdownTests {
    func makeServer() -> HTTPServer {
        var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0, eventLoopCount: 2)
        configuration.accessLog = false
        var logger = Logger(label: "shutdown-test")
        logger.logLevel = .warning
        return HTTPServer(configuration: configuration, router: testRouter(), logger: logger)
    }

    @Test func inFlightRequestFinishesAndIdleConnectionsClose() async throws {
        let server = makeServer()
        let port = try server.start()
        let running = Task { try await server.run() }
        let (idleClosed, slowResponse) = try await onThread { () -> (Bool, TestClient.Response) in
            let idle = try TestClient(port: port)
            try idle.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = try idle.readResponse()
            let busy = try TestClient(port: port)
            try busy.send("GET /slow/800 HTTP/1.1\r\nHost: x\r\n\r\n")
            usleep(200_000) // let the request reach its handler
            server.shutdown()
            let idleClosed = try idle.readUntilClosed().isEmpty
            let response = try busy.readResponse()
            return (idleClosed, response)
        }
        #expect(idleClosed)
        #expect(slowResponse.status == 200)
        #expect(slowResponse.text == "slow 800")
        #expect(slowResponse.header("Connection") == "close")
        try await running.value
        // The listener is gone.
        #expect(throws: (any Error).self) { _ = try TestClient(port: port) }
    }

    @Test func gracePeriodBoundsAHungHandler() async throws {
        var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0, eventLoopCount: 1)
        configuration.shutdownGracePeriod = .milliseconds(300)
        configuration.accessLog = false
        var logger = Logger(label: "shutdown-test")
        logger.logLevel = .critical
        let server = HTTPServer(configuration: configuration, router: testRouter(), logger: logger)
        let port = try server.start()
        let closed = try await onThread { () -> Bool in
            let client = try TestClient(port: port)
            try client.send("GET /slow/60000 HTTP/1.1\r\nHost: x\r\n\r\n")
            usleep(100_000)
            server.shutdown()
            return try client.readUntilClosed().isEmpty
        }
        #expect(closed)
        await server.waitUntilStopped()
    }

    @Test func shutdownBeforeStartReturnsRunAtOnce() async throws {
        let server = makeServer()
        server.shutdown()
        await server.waitUntilStopped()
    }
}
