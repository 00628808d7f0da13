import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TestSupport
import Testing

@testable import Guv

/// The governor's poll loop as a Service: one iteration per poll, and a
/// graceful shutdown ends the wait for the next poll (not after it).
@Suite(.timeLimit(.minutes(1)), .logsOnFailure) struct GovernorServiceTests {
    /// Queue depths from memory: the management API is tested elsewhere.
    struct FixedStats: QueueStatsSource {
        func observe(queue: String) async throws -> QueueObservation { QueueObservation(messages: 4) }
    }

    func governor() throws -> Governor {
        let config = try ConfigLoader.load("resize: {queue: resize.IN, processing: 1, deadline: 60}", environment: [:])
        return Governor(config: config, stats: FixedStats(), formation: nil, dryRun: true)
    }

    @Test func oneshotRunsOneIteration() async throws {
        let batches = Mutex(0)
        let service = GovernorService(governor: try governor(), pollInterval: 3600, oneshot: true) { records in
            #expect(records.map(\.role) == ["resize"])
            #expect(records.first?.messages == 4)
            batches.withLock { $0 += 1 }
        }
        try await service.run()
        #expect(batches.withLock { $0 } == 1)
    }

    @Test(.timeLimit(.minutes(1)))
    func gracefulShutdownEndsTheWaitForTheNextPoll() async throws {
        let batches = Mutex(0)
        let service = GovernorService(governor: try governor(), pollInterval: 3600) { _ in batches.withLock { $0 += 1 } }
        let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
        let running = Task { try await group.run() }
        try await waitUntil("the first poll") { batches.withLock { $0 } > 0 }
        await group.triggerGracefulShutdown()
        try await running.value // an hour before the next poll: the shutdown cut the wait short
        #expect(batches.withLock { $0 } == 1)
    }
}
