import Foundation
import Synchronization
import TestSupport
import Testing

@testable import HTTPServer

/// A handler learns that its client went away (`request.client`), so a
/// long-poll can end with its client.
@Suite(.timeLimit(.minutes(1)), .logsOnFailure) struct ClientGoneTests {
    final class Seen: Sendable {
        let started = Mutex(0)
        let cancelled = Mutex(0)
        let finished = Mutex(0)
    }

    static func router(_ seen: Seen) -> Router {
        var router = Router()
        router.get("/wait") { request in
            seen.started.withLock { $0 += 1 }
            // A long-poll of up to 4 s that ends early when its client leaves.
            let left = await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    await request.client.departure()
                    return true
                }
                group.addTask {
                    try? await Task.sleep(for: .seconds(4))
                    return false
                }
                let first = await group.next() ?? false
                group.cancelAll()
                return first
            }
            if left { seen.cancelled.withLock { $0 += 1 } } else { seen.finished.withLock { $0 += 1 } }
            return HTTPResponse(status: .ok, text: left ? "left" : "done")
        }
        return router
    }

    @Test func aHandlerLearnsThatItsClientClosed() async throws {
        let seen = Seen()
        try await withServer(router: Self.router(seen)) { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(waitUntilSync { seen.started.withLock { $0 } == 1 })
                client.shutdownWrite()
                // Half-closed, it still reads its answer, early.
                #expect(try client.readResponse().text == "left")
            }
            #expect(seen.cancelled.withLock { $0 } == 1)
            #expect(seen.finished.withLock { $0 } == 0)
        }
    }

    @Test func aClientThatStaysIsNotReportedGone() async throws {
        let seen = Seen()
        try await withServer(router: Self.router(seen)) { port in
            try await onThread {
                let client = try TestClient(port: port)
                try client.send("GET /wait HTTP/1.1\r\nHost: x\r\n\r\n")
                #expect(try client.readResponse().text == "done")
            }
        }
    }

    @Test func departureReturnsWhenTheWaitingTaskIsCancelled() async {
        let presence = ClientPresence()
        let waiting = Task { await presence.departure() }
        waiting.cancel()
        await waiting.value
        #expect(!presence.isGone)
    }
}

/// Polls `condition` on this (non-cooperative) thread for up to 5 s.
private func waitUntilSync(_ condition: () -> Bool) -> Bool {
    for _ in 0..<500 {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}
