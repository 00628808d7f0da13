import Foundation
import Primitives
import TestSupport
import Testing

@testable import MsgFlo

@Suite("DiscoveryListener", .timeLimit(.minutes(1)), .logsOnFailure)
struct DiscoveryListenerTests {
    @Test func learnsParticipantsAndSurvivesMalformedMessages() async throws {
        let broker = InProcessBroker()
        let coordinator = InProcessTransport(broker: broker)
        try await coordinator.connect()
        let events = Mailbox<ParticipantRegistry.IngestResult>()
        let listener = DiscoveryListener(transport: coordinator, onEvent: { events.put($0) })
        try await listener.start()

        try await coordinator.publish(queue: "fbp", body: Data("not json".utf8))
        guard case .rejected(.notJSON) = try await events.take() else {
            Issue.record("expected a rejection")
            return
        }

        let worker = Participant(
            definition: .conventional(
                role: "repeat", component: "test/Repeat", id: "repeat-1",
                inports: ["in"], outports: ["out"]),
            transport: InProcessTransport(broker: broker)
        ) { _, message, output in
            try await output.send("out", message)
        }
        try await worker.start()
        guard case .added(let entry) = try await events.take() else {
            Issue.record("expected the participant")
            return
        }
        #expect(entry.definition == worker.definition)
        #expect(listener.registry.participants(role: "repeat").map(\.id) == ["repeat-1"])
        // Every discovery message was acked, malformed ones too.
        try await waitUntil("acks") { broker.unsettledCount(queue: "fbp") == 0 }
        #expect(broker.readyCount(queue: "fbp") == 0)

        #expect(listener.expire(now: Date().addingTimeInterval(601)).map(\.id) == ["repeat-1"])
        #expect(listener.registry.count == 0)
        await worker.stop()
        await listener.stop()
        await coordinator.disconnect()
    }
}
