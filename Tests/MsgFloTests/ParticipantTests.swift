import Foundation
import Logging
import Primitives
import ServiceLifecycle
import TestSupport
import Testing

@testable import MsgFlo

@Suite("Participant runtime", .timeLimit(.minutes(2)), .logsOnFailure)
struct ParticipantTests {
    static func repeatDefinition(role: String = "repeat", id: String? = nil, error: Bool = true) -> ParticipantDefinition {
        .conventional(role: role, component: "test/Repeat", id: id, inports: ["in"], outports: error ? ["out", "error"] : ["out"])
    }

    @Test func repeatsEndToEnd() async throws {
        let harness = try await Harness()
        let participant = Participant(definition: Self.repeatDefinition(), transport: InProcessTransport(broker: harness.broker)) {
            inport, message, output in
            #expect(inport == "in")
            try await output.send("out", message)
        }
        try await participant.start()
        let sink = try await harness.sink("sink", boundTo: ["repeat.OUT"])
        let inputs: [JSONValue] = [["n": 1], "text", [1, 2, 3], ["nested": ["ok": true]]]
        for input in inputs { try await harness.send("repeat.IN", input) }
        // Two handlers run at once (prefetch 2), so order is not guaranteed.
        #expect(Set(try await sink.next(inputs.count)) == Set(inputs))
        try await waitUntil("every ack") { harness.broker.unsettledCount(queue: "repeat.IN") == 0 }
        #expect(harness.broker.readyCount(queue: "repeat.IN") == 0)
        await participant.stop()
    }

    @Test func rawMessagesPassThroughUnchanged() async throws {
        let harness = try await Harness()
        let participant = Participant(
            definition: Self.repeatDefinition(), transport: InProcessTransport(broker: harness.broker),
            rawHandler: { _, message, output in
                try await output.send("out", data: message.body + Data([0xFF]))
            })
        try await participant.start()
        let sink = try await harness.sink("sink", boundTo: ["repeat.OUT"])
        try await harness.client.publish(queue: "repeat.IN", body: Data([0x00, 0x01]))
        #expect(try await sink.mailbox.take().body == Data([0x00, 0x01, 0xFF]))
        await participant.stop()
    }

    @Test func handlerErrorGoesToErrorPortAndDeadLetter() async throws {
        let harness = try await Harness()
        let participant = Participant(definition: Self.repeatDefinition(), transport: InProcessTransport(broker: harness.broker)) {
            _, message, output in
            if message["fail"] == true { throw HandlerFailure(description: "cannot resize") }
            try await output.send("out", message)
        }
        try await participant.start()
        let errors = try await harness.sink("errors", boundTo: ["repeat.ERROR"])
        let dead = try await harness.deadLetterSink(for: "repeat.IN")
        let out = try await harness.sink("out", boundTo: ["repeat.OUT"])

        try await harness.send("repeat.IN", ["fail": true, "id": 7])
        #expect(try await errors.next() == ["error": "cannot resize", "input": ["fail": true, "id": 7]])
        #expect(try await dead.next() == ["fail": true, "id": 7])
        // The process lives on: the next message is handled normally.
        try await harness.send("repeat.IN", ["id": 8])
        #expect(try await out.next() == ["id": 8])
        #expect(out.mailbox.buffered.isEmpty)
        await participant.stop()
    }

    @Test func errorWithoutErrorPortIsStillRejected() async throws {
        let harness = try await Harness()
        let participant = Participant(
            definition: Self.repeatDefinition(error: false),
            transport: InProcessTransport(broker: harness.broker)
        ) { _, _, _ in
            throw HandlerFailure(description: "boom")
        }
        try await participant.start()
        let dead = try await harness.deadLetterSink(for: "repeat.IN")
        try await harness.send("repeat.IN", "x")
        #expect(try await dead.next() == "x")
        await participant.stop()
    }

    @Test func retryableErrorRequeuesInsteadOfDeadLettering() async throws {
        let harness = try await Harness()
        let attempts = LockedState(0)
        let participant = Participant(
            definition: Self.repeatDefinition(error: true),
            transport: InProcessTransport(broker: harness.broker)
        ) { _, message, output in
            let attempt = attempts.withLock { count -> Int in
                count += 1
                return count
            }
            if attempt < 3 { throw RetryLater(HandlerFailure(description: "database down"), retryDelay: .milliseconds(10)) }
            try await output.send("out", message)
        }
        try await participant.start()
        let out = try await harness.sink("out-sink", boundTo: ["repeat.OUT"])
        let errors = try await harness.sink("error-sink", boundTo: ["repeat.ERROR"])
        let dead = try await harness.deadLetterSink(for: "repeat.IN")
        try await harness.send("repeat.IN", "x")
        #expect(try await out.next() == "x")
        #expect(attempts.withLock { $0 } == 3)
        #expect(errors.count == 0)
        #expect(dead.count == 0)
        await participant.stop()
    }

    enum Behaviour: String, CaseIterable, Sendable {
        case sendsAndReturns, throwsAfterSending, sendsOnUnknownPortAndSwallows, spawnsSendWithoutAwaiting, sendsTwice
    }

    /// Each message is settled exactly once, and success is acked only after its sends were confirmed.
    @Test(arguments: [
        (Behaviour.sendsAndReturns, Settlement.ack, 1),
        (.throwsAfterSending, .reject, 1),
        (.sendsOnUnknownPortAndSwallows, .reject, 0),
        (.spawnsSendWithoutAwaiting, .ack, 1),
        (.sendsTwice, .ack, 2),
    ])
    func settlesExactlyOnce(behaviour: Behaviour, expected: Settlement, confirmedSends: Int) async throws {
        let harness = try await Harness()
        let transport = RecordingTransport(broker: harness.broker, publishDelayNanoseconds: 20_000_000)
        let unknownPortError = LockedState<ParticipantError?>(nil)
        let participant = Participant(definition: Self.repeatDefinition(error: false), transport: transport) { _, message, output in
            switch behaviour {
            case .sendsAndReturns:
                try await output.send("out", message)
            case .throwsAfterSending:
                try await output.send("out", message)
                throw HandlerFailure(description: "late failure")
            case .sendsOnUnknownPortAndSwallows:
                do { try await output.send("nope", message) } catch let error as ParticipantError { unknownPortError.withLock { $0 = error } }
            case .spawnsSendWithoutAwaiting:
                // Returns while the send is under way (started, not yet confirmed).
                Task { try await output.send("out", message) }
                try await waitUntil("the spawned send to start") {
                    transport.events.withLock { $0.contains { $0.hasPrefix("publishing") } }
                }
            case .sendsTwice:
                try await output.send("out", message)
                try await output.send("out", message)
            }
            transport.record("returned \(message.encoded().count)")
        }
        try await participant.start()
        try await harness.send("repeat.IN", "m1")
        try await waitUntil("the settlement") { transport.settlements.withLock { $0["\"m1\""] != nil } }
        await participant.stop()

        #expect(transport.settlements.withLock { $0["\"m1\""] } == [expected])
        let events = transport.events.withLock { $0 }
        let settledAt = try #require(events.firstIndex { $0.hasPrefix("settled") })
        let confirmed = events.indices.filter { events[$0].hasPrefix("confirmed") }
        #expect(confirmed.count == confirmedSends, "\(events)")
        #expect(confirmed.allSatisfy { $0 < settledAt }, "every send is confirmed before the settlement: \(events)")
        if behaviour == .sendsOnUnknownPortAndSwallows {
            #expect(unknownPortError.withLock { $0 } == .unknownOutport("nope", available: ["out"]))
        }
    }

    @Test func fanOutGivesEachInportACopy() async throws {
        let harness = try await Harness()
        let source = Participant(definition: Self.repeatDefinition(role: "source"), transport: InProcessTransport(broker: harness.broker)) {
            _, message, output in try await output.send("out", message)
        }
        var workers: [Participant] = []
        for role in ["left", "right"] {
            workers.append(
                Participant(definition: Self.repeatDefinition(role: role), transport: InProcessTransport(broker: harness.broker)) {
                    _, message, output in try await output.send("out", ["by": .string(role), "got": message])
                })
        }
        for participant in [source] + workers { try await participant.start() }
        try await harness.client.execute([
            .bindQueue(queue: "left.IN", exchange: "source.OUT", routingKey: ""),
            .bindQueue(queue: "right.IN", exchange: "source.OUT", routingKey: ""),
        ])
        let sink = try await harness.sink("sink", boundTo: ["left.OUT", "right.OUT"])
        try await harness.send("source.IN", 42)
        let received = try await sink.next(2)
        #expect(Set(received) == [["by": "left", "got": 42], ["by": "right", "got": 42]])
        for participant in [source] + workers { await participant.stop() }
    }

    @Test func fanInCollectsFromTwoOutports() async throws {
        let harness = try await Harness()
        var producers: [Participant] = []
        for role in ["a", "b"] {
            producers.append(
                Participant(definition: Self.repeatDefinition(role: role), transport: InProcessTransport(broker: harness.broker)) {
                    _, message, output in try await output.send("out", ["from": .string(role), "value": message])
                })
        }
        let collector = Participant(definition: Self.repeatDefinition(role: "collect"), transport: InProcessTransport(broker: harness.broker)) {
            _, message, output in try await output.send("out", message)
        }
        for participant in producers + [collector] { try await participant.start() }
        try await harness.client.execute([
            .bindQueue(queue: "collect.IN", exchange: "a.OUT", routingKey: ""),
            .bindQueue(queue: "collect.IN", exchange: "b.OUT", routingKey: ""),
        ])
        let sink = try await harness.sink("sink", boundTo: ["collect.OUT"])
        try await harness.send("a.IN", 1)
        try await harness.send("b.IN", 2)
        #expect(Set(try await sink.next(2)) == [["from": "a", "value": 1], ["from": "b", "value": 2]])
        for participant in producers + [collector] { await participant.stop() }
    }

    @Test func instancesOfOneRoleShareTheWork() async throws {
        let harness = try await Harness()
        var instances: [Participant] = []
        for index in 1...2 {
            let id = "work-\(index)"
            instances.append(
                Participant(
                    definition: Self.repeatDefinition(role: "work", id: id),
                    transport: InProcessTransport(broker: harness.broker)
                ) { _, message, output in
                    try await output.send("out", ["by": .string(id), "n": message])
                })
        }
        for instance in instances { try await instance.start() }
        let sink = try await harness.sink("sink", boundTo: ["work.OUT"])
        for n in 0..<10 { try await harness.send("work.IN", .number(Double(n))) }
        let results = try await sink.next(10)
        let byInstance = Dictionary(grouping: results) { $0["by"]?.stringValue ?? "?" }
        #expect(Set(byInstance.keys) == ["work-1", "work-2"])
        #expect(Set(results.compactMap { $0["n"]?.intValue }) == Set(0..<10), "each message handled once")
        for instance in instances { await instance.stop() }
    }

    @Test(arguments: [1, 3])
    func honoursPrefetch(prefetch: Int) async throws {
        let harness = try await Harness()
        let running = LockedState((now: 0, max: 0))
        let entered = Mailbox<Void>()
        let gate = Mailbox<Void>()
        let participant = Participant(
            definition: Self.repeatDefinition(), transport: InProcessTransport(broker: harness.broker),
            configuration: ParticipantConfiguration(prefetch: prefetch)
        ) { _, message, output in
            running.withLock {
                $0.now += 1
                $0.max = max($0.max, $0.now)
            }
            entered.put(())
            try await gate.take(timeout: 30, what: "the gate")
            running.withLock { $0.now -= 1 }
            try await output.send("out", message)
        }
        try await participant.start()
        let sink = try await harness.sink("sink", boundTo: ["repeat.OUT"])
        for n in 0..<8 { try await harness.send("repeat.IN", .number(Double(n))) }
        _ = try await entered.take(prefetch, what: "the first handlers")
        #expect(harness.broker.unsettledCount(queue: "repeat.IN") == prefetch)
        #expect(harness.broker.readyCount(queue: "repeat.IN") == 8 - prefetch)
        #expect(participant.inFlightCount == prefetch)
        for _ in 0..<8 { gate.put(()) }
        _ = try await sink.next(8)
        #expect(running.withLock { $0.max } == prefetch)
        await participant.stop()
    }

    @Test func gracefulShutdownDrainsInFlightWork() async throws {
        let harness = try await Harness()
        let entered = Mailbox<Void>()
        let gate = Mailbox<Void>()
        let participant = Participant(
            definition: Self.repeatDefinition(), transport: InProcessTransport(broker: harness.broker),
            configuration: ParticipantConfiguration(prefetch: 2, drainGrace: 30)
        ) { _, message, output in
            entered.put(())
            try await gate.take(timeout: 30, what: "the gate")
            try await output.send("out", message)
        }
        let group = ServiceGroup(services: [participant], logger: Logger(label: "test"))
        let running = Task { try await group.run() }
        try await waitUntil("the participant to consume") { harness.broker.consumerCount(queue: "repeat.IN") == 1 }
        let sink = try await harness.sink("sink", boundTo: ["repeat.OUT"])
        for n in 1...3 { try await harness.send("repeat.IN", .number(Double(n))) }
        _ = try await entered.take(2, what: "two handlers")

        await group.triggerGracefulShutdown()
        // It stops taking messages at once, but does not interrupt the handlers: they finish and are acked.
        try await waitUntil("the participant to stop") { participant.isStopping }
        gate.put(())
        gate.put(())
        try await running.value
        #expect(Set(try await sink.next(2)) == [1, 2])
        #expect(harness.broker.unsettledCount(queue: "repeat.IN") == 0)
        // The third message was never taken and waits for the next instance.
        #expect(harness.broker.readyCount(queue: "repeat.IN") == 1)
        #expect(entered.buffered.isEmpty)
    }

    @Test func drainGraceExpiryRedeliversTheMessage() async throws {
        let harness = try await Harness()
        let entered = Mailbox<Void>()
        let stuck = Participant(
            definition: Self.repeatDefinition(), transport: InProcessTransport(broker: harness.broker),
            configuration: ParticipantConfiguration(drainGrace: 0.05)
        ) { _, _, _ in
            entered.put(())
            while !Task.isCancelled { try? await Task.sleep(nanoseconds: 10_000_000) }
        }
        try await stuck.start()
        try await harness.send("repeat.IN", "job")
        try await entered.take()
        await stuck.stop()

        let seen = Mailbox<IncomingMessage>()
        let next = Participant(
            definition: Self.repeatDefinition(), transport: InProcessTransport(broker: harness.broker),
            rawHandler: { _, message, _ in seen.put(message) })
        try await next.start()
        let message = try await seen.take()
        #expect(message.json == "job")
        #expect(message.redelivered)
        await next.stop()
    }

    @Test func announcesItselfAtStart() async throws {
        let harness = try await Harness()
        try await harness.client.declareQueue("fbp", options: PortOptions())
        let announcements = Mailbox<IncomingMessage>()
        _ = try await harness.client.consume(queue: "fbp", prefetch: 10) { message in
            announcements.put(message)
            return .ack
        }
        let definition = ParticipantDefinition.conventional(
            role: "resize", component: "imageresize/ResizeImage", id: "resize-5f0c",
            label: "Resizes one image", icon: "image",
            inports: ["in", "control"], outports: ["out", "error"], hidden: ["control"])
        let participant = Participant(
            definition: definition, transport: InProcessTransport(broker: harness.broker),
            configuration: ParticipantConfiguration(discoveryPeriod: 0.022)
        ) { _, _, _ in }
        try await participant.start()
        let expected = try JSONValue(parsing: Data(DiscoveryMessageTests.referenceJSON.utf8))
        // The first one at start, then periodically (period 0.022 s / 2.2 = every 10 ms).
        for _ in 0..<3 { #expect(try await announcements.take().json == expected) }
        // The hidden inport is consumed all the same.
        #expect(harness.broker.consumerCount(queue: "resize.CONTROL") == 1)
        await participant.stop()
    }
}
