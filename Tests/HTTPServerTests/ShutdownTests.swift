import Foundation
import Logging
import ServiceLifecycle
import TestSupport
import Testing

@testable import HTTPServer

/// Graceful shutdown: in-flight requests finish, idle connections close, `run()` returns.
@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct ShutdownTests {
    /// A route whose handler tells the test it has started, then takes `ms`.
    static func signallingRouter(_ started: DispatchSemaphore) -> Router {
        var router = testRouter()
        router.get("/busy/:ms") { request in
            started.signal()
            let ms = Int(request.pathParameters["ms"] ?? "") ?? 500
            try await Task.sleep(for: .milliseconds(ms))
            return HTTPResponse(text: "done \(ms)")
        }
        return router
    }

    func makeServer(router: Router = testRouter()) -> HTTPServer {
        var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0, eventLoopCount: 2)
        configuration.accessLog = false
        var logger = Logger(label: "shutdown-test")
        logger.logLevel = .warning
        return HTTPServer(configuration: configuration, router: router, logger: logger)
    }

    @Test func inFlightRequestFinishesAndIdleConnectionsClose() async throws {
        let started = DispatchSemaphore(value: 0)
        let server = makeServer(router: Self.signallingRouter(started))
        let port = try server.start()
        let running = Task { try await server.run() }
        let (idleClosed, slowResponse) = try await onThread { () -> (Bool, TestClient.Response) in
            let idle = try TestClient(port: port)
            try idle.send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = try idle.readResponse()
            let busy = try TestClient(port: port)
            try busy.send("GET /busy/800 HTTP/1.1\r\nHost: x\r\n\r\n")
            guard started.wait(timeout: .now() + 10) == .success else {
                throw TestClient.Failure(description: "handler never started")
            }
            server.shutdown()
            let idleClosed = try idle.readUntilClosed().isEmpty
            let response = try busy.readResponse()
            return (idleClosed, response)
        }
        #expect(idleClosed)
        #expect(slowResponse.status == 200)
        #expect(slowResponse.text == "done 800")
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
        let started = DispatchSemaphore(value: 0)
        let server = HTTPServer(configuration: configuration, router: Self.signallingRouter(started), logger: logger)
        let port = try server.start()
        let closed = try await onThread { () -> Bool in
            let client = try TestClient(port: port)
            try client.send("GET /busy/60000 HTTP/1.1\r\nHost: x\r\n\r\n")
            guard started.wait(timeout: .now() + 10) == .success else {
                throw TestClient.Failure(description: "handler never started")
            }
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

/// Signals and the access log, which need the whole server.
@Suite(.timeLimit(.minutes(1)), .logsOnFailure) struct SignalAndLogTests {
    /// As a Service: a signal to its ServiceGroup drains it (an in-flight request finishes) and `run()` returns.
    @Test func signalToItsServiceGroupDrainsIt() async throws {
        let started = DispatchSemaphore(value: 0)
        var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0, eventLoopCount: 1)
        configuration.accessLog = false
        let server = HTTPServer(configuration: configuration, router: ShutdownTests.signallingRouter(started))
        let port = try server.start()
        // SIGUSR2 stands in for SIGTERM, which would stop the test runner if mishandled.
        // The group traps it before it runs any service, so the probe's start says it is safe to send.
        let trapped = DispatchSemaphore(value: 0)
        let probe = ClosureService {
            trapped.signal()
            try await gracefulShutdown()
        }
        let group = ServiceGroup(services: [probe, server], gracefulShutdownSignals: [.sigusr2], logger: Logger(label: "test"))
        let running = Task { try await group.run() }
        let response = try await onThread { () -> TestClient.Response in
            guard trapped.wait(timeout: .now() + 10) == .success else {
                throw TestClient.Failure(description: "the service group never started")
            }
            let client = try TestClient(port: port)
            try client.send("GET /busy/300 HTTP/1.1\r\nHost: x\r\n\r\n")
            guard started.wait(timeout: .now() + 10) == .success else {
                throw TestClient.Failure(description: "handler never started")
            }
            kill(getpid(), SIGUSR2)
            return try client.readResponse()
        }
        #expect(response.status == 200 && response.text == "done 300")
        try await running.value
        #expect(throws: (any Error).self) { _ = try TestClient(port: port) }
    }

    @Test func cancellingRunShutsTheServerDown() async throws {
        var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0, eventLoopCount: 1)
        configuration.accessLog = false
        let server = HTTPServer(configuration: configuration, router: testRouter())
        let running = Task { try await server.run() }
        try await waitUntil("the server to listen") { server.port != nil }
        running.cancel()
        try await running.value
        await server.waitUntilStopped()
    }

    @Test func oneAccessLogLinePerRequestWithItsRequestId() async throws {
        let recorder = LogRecorder()
        let logger = recorder.logger(label: "access", level: .info)
        var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0, eventLoopCount: 1)
        configuration.accessLog = true
        let server = HTTPServer(configuration: configuration, router: testRouter(), logger: logger)
        let port = try server.start()
        try await onThread {
            let client = try TestClient(port: port)
            try client.send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Request-Id: log-me\r\n\r\n")
            _ = try client.readResponse()
            try client.send("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n")
            _ = try client.readResponse()
        }
        server.shutdown()
        await server.waitUntilStopped()
        let lines = recorder.records.filter { $0.message.hasPrefix("GET ") }
            .map { (message: $0.message, requestId: $0.metadata["request-id"].map { "\($0)" }) }
        #expect(lines.count == 2)
        #expect(lines.first?.message.hasPrefix("GET /hello 200 5B ") == true)
        #expect(lines.first?.message.hasSuffix("ms") == true)
        #expect(lines.first?.requestId == "log-me")
        #expect(lines.last?.message.hasPrefix("GET /nowhere 404 ") == true)
        #expect(lines.last?.requestId?.isEmpty == false)
    }
}
