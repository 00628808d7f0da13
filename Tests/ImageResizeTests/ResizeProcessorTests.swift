import Foundation
import ImageResize
import Logging
import MsgFlo
import Primitives
import Synchronization
import TestSupport
import Testing

/// Download-ahead: a resize worker fetches its next image while its resize
/// threads are busy, so the CPU does not idle on the network.
@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct ResizeProcessorTests {
    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    @Test func downloadsWhileEveryResizeThreadIsBusy() async throws {
        let requested = Flag()
        let server = try TestHTTPServer { _ in
            requested.set()
            return TestHTTPResponse(body: "these bytes are no image")
        }
        defer { server.stop() }
        let port = server.port

        var config = ServiceConfig()
        config.allowHosts = ["127.0.0.1:\(port)"]
        let processor = try ResizeProcessor(config: config)
        let pool = BlockingPool(threads: 1, name: "resize-test")
        defer { pool.shutdown() }

        // Occupy the only resize thread until the test lets go.
        let busy = Flag()
        let release = DispatchSemaphore(value: 0)
        let blocker = Task {
            try await pool.run {
                busy.set()
                release.wait()
            }
        }
        var released = false
        defer { if !released { release.signal() } } // never leave the pool thread stuck
        #expect(await eventually { busy.isSet })

        let request = ResizeRequest(
            jobID: UUID(), imageID: UUID(),
            spec: ImageSpec(url: "http://127.0.0.1:\(port)/image", width: 10, height: nil),
            createdAt: Date())
        let processing = Task { try await processor.process(request, resizingOn: pool) }
        #expect(await eventually { requested.isSet }, "the download must not wait for a resize thread")

        release.signal()
        released = true
        try await blocker.value
        let outcome = try await processing.value
        // The bytes then went through libvips on the pool: not an image.
        #expect(outcome.error?.code == "not_an_image")
        #expect(outcome.jobID == request.jobID)
    }
}
