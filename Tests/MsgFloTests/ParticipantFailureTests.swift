import Foundation
import Primitives
import TestSupport
import Testing

@testable import MsgFlo

/// What the runtime does with transport failures and spent retry budgets, on
/// the in-process broker (a wrapper fails the publishes a broker would refuse).
@Suite("Participant failures", .timeLimit(.minutes(1)), .logsOnFailure)
struct ParticipantFailureTests {
    static func definition(role: String = "repeat") -> ParticipantDefinition {
        .conventional(role: role, component: "test/Repeat", inports: ["in"], outports: ["out", "error"])
    }

    @Test func aPermanentRefusalIsRejectedAtOnceWithItsCode() async throws {
        let harness = try await Harness()
        let tooLarge = TransportError(.messageTooLarge, "message size 200000 is larger than configured max size 131072")
        let transport = RecordingTransport(broker: harness.broker, failing: ["repeat.OUT": tooLarge])
        let participant = Participant(
            definition: Self.definition(), transport: transport,
            configuration: ParticipantConfiguration(retryBudget: RetryBudget(maxRetries: 5))
        ) {
            _, message, output in try await output.send("out", message)
        }
        try await participant.start()
        let errors = try await harness.sink("errors", boundTo: ["repeat.ERROR"])
        let dead = try await harness.deadLetterSink(for: "repeat.IN")
        try await harness.send("repeat.IN", ["id": 1])
        #expect(try await errors.next() == ["error": .string(tooLarge.message), "code": "message_too_large", "input": ["id": 1]])
        #expect(try await dead.next() == ["id": 1])
        await participant.stop()
        #expect(transport.settlements.withLock { $0[#"{"id":1}"#] } == [.reject], "tried once, not requeued")
    }

    @Test func aTransientFailureIsRequeuedUntilTheBudgetIsSpent() async throws {
        let harness = try await Harness()
        let timeout = TransportError(.publishTimeout, "no confirm in time")
        let transport = RecordingTransport(broker: harness.broker, failing: ["repeat.OUT": timeout])
        let attempts = LockedState(0)
        let budget = RetryBudget(maxRetries: 3, window: .seconds(600), maximumDelay: .milliseconds(20))
        let participant = Participant(
            definition: Self.definition(), transport: transport,
            configuration: ParticipantConfiguration(retryBudget: budget)
        ) { _, message, output in
            attempts.withLock { $0 += 1 }
            try await output.send("out", message) // never confirmed
        }
        try await participant.start()
        let errors = try await harness.sink("errors", boundTo: ["repeat.ERROR"])
        let dead = try await harness.deadLetterSink(for: "repeat.IN")
        try await harness.send("repeat.IN", "poison")
        let error = try await errors.next()
        #expect(error["code"] == "retries_exhausted")
        #expect(error["input"] == "poison")
        #expect(error["error"]?.stringValue?.hasSuffix("retry budget spent: no confirm in time") == true, "\(error)")
        #expect(try await dead.next() == "poison")
        await participant.stop()
        #expect(attempts.withLock { $0 } == 4, "the first delivery and 3 retries")
        #expect(transport.settlements.withLock { $0[#""poison""#] } == [.requeue, .requeue, .requeue, .reject])
    }

    @Test func aMessageThatSucceedsOnRetryStartsAFreshBudgetNextTime() async throws {
        let harness = try await Harness()
        let attempts = LockedState(0)
        let budget = RetryBudget(maxRetries: 1, window: .seconds(600), maximumDelay: .milliseconds(5))
        let participant = Participant(
            definition: Self.definition(), transport: InProcessTransport(broker: harness.broker),
            configuration: ParticipantConfiguration(retryBudget: budget)
        ) { _, message, output in
            let attempt = attempts.withLock { count -> Int in
                count += 1
                return count
            }
            // Every odd attempt fails transiently: with one retry allowed, each message gets through.
            if attempt % 2 == 1 { throw RetryLater(HandlerFailure(description: "flaky"), retryDelay: .milliseconds(1)) }
            try await output.send("out", message)
        }
        try await participant.start()
        let out = try await harness.sink("out", boundTo: ["repeat.OUT"])
        let errors = try await harness.sink("errors", boundTo: ["repeat.ERROR"])
        try await harness.send("repeat.IN", "same")
        #expect(try await out.next() == "same")
        // The same body again: its earlier retry is forgotten, so it has its one retry again.
        try await harness.send("repeat.IN", "same")
        #expect(try await out.next() == "same")
        await participant.stop()
        #expect(errors.count == 0)
    }

    @Test func stoppingEndsARetryWaitAndGivesTheMessageBack() async throws {
        let harness = try await Harness()
        let waiting = Mailbox<Void>()
        let participant = Participant(
            definition: Self.definition(), transport: InProcessTransport(broker: harness.broker),
            configuration: ParticipantConfiguration(drainGrace: 30)
        ) { _, _, _ in
            waiting.put(())
            throw RetryLater(HandlerFailure(description: "database down"), retryDelay: .seconds(120))
        }
        try await participant.start()
        try await harness.send("repeat.IN", "job")
        try await waiting.take()
        try await waitUntil("the handler to fail and wait") { participant.inFlightCount == 1 }
        await participant.stop()
        // Not after the 30 s drain grace with the handler still waiting: the wait ended.
        #expect(participant.inFlightCount == 0)
        #expect(harness.broker.readyCount(queue: "repeat.IN") == 1, "requeued for another instance")
    }

    @Test func sendProducesWithoutInput() async throws {
        let harness = try await Harness()
        let definition = ParticipantDefinition.conventional(role: "web", component: "test/Api", inports: [], outports: ["jobs"])
        let participant = Participant(definition: definition, transport: InProcessTransport(broker: harness.broker)) { _, _, _ in }
        await #expect(throws: TransportError.self) { try await participant.send("jobs", ["n": 0]) }
        try await participant.start()
        let sink = try await harness.sink("jobs", boundTo: ["web.JOBS"])
        try await participant.send("jobs", ["n": 1])
        try await participant.send("jobs", data: Data(#"{"n":2}"#.utf8))
        #expect(try await sink.next(2) == [["n": 1], ["n": 2]])
        await #expect(throws: ParticipantError.unknownOutport("nope", available: ["jobs"])) {
            try await participant.send("nope", ["n": 3])
        }
        await participant.stop()
        let afterStop = await #expect(throws: TransportError.self) { try await participant.send("jobs", ["n": 4]) }
        #expect(afterStop?.isTransient == true)
    }
}
