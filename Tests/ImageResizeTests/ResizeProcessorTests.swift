import Foundation
import HTTPServer
import ImageResize
import Logging
import MsgFlo
import Primitives
import Synchronization
import Testing

/// Download-ahead: a resize worker fetches its next image while its resize
/// threads are busy, so the CPU does not idle on the network.
@Suite(.timeLimit(.minutes(2))) struct ResizeProcessorTests {
    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    /// Polls without blocking a cooperative thread.
    static func eventually(_ condition: () -> Bool, seconds: Double = 10) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test func downloadsWhileEveryResizeThreadIsBusy() async throws {
        let requested = Flag()
        var router = Router()
        router.get("/image") { _ in
            requested.set()
            return HTTPResponse(text: "these bytes are no image")
        }
        var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0, eventLoopCount: 1)
        configuration.accessLog = false
        var logger = Logger(label: "resize-processor-test")
        logger.logLevel = .warning
        let server = HTTPServer(configuration: configuration, router: router, logger: logger)
        let port = try server.start()
        let serving = Task { try await server.run() }
        defer { server.shutdown() }

        var config = ServiceConfig()
        config.allowHosts = ["127.0.0.1:\(port)"]
        let processor = try ResizeProcessor(config: config)
        let pool = BlockingPool(threads: 1, name: "resize-test")
        defer { pool.shutdown() }

        // Occupy the only resize thread until the test lets go.
        let busy = Flag()
        let release = DispatchSemaphore(value: 0)
        let blocker = Task { try await pool.run { busy.set(); release.wait() } }
        var released = false
        defer { if !released { release.signal() } }  // never leave the pool thread stuck
        #expect(try await Self.eventually { busy.isSet })

        let request = ResizeRequest(jobID: UUID(), imageID: UUID(),
                                    spec: ImageSpec(url: "http://127.0.0.1:\(port)/image", width: 10, height: nil),
                                    createdAt: Date())
        let processing = Task { try await processor.process(request, resizingOn: pool) }
        #expect(try await Self.eventually { requested.isSet }, "the download must not wait for a resize thread")

        release.signal()
        released = true
        try await blocker.value
        let outcome = try await processing.value
        // The bytes then went through libvips on the pool: not an image.
        #expect(outcome.error?.code == "not_an_image")
        #expect(outcome.jobID == request.jobID)
        server.shutdown()
        try await serving.value
    }
}
