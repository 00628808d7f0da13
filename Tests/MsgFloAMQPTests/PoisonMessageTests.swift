import Foundation
import MsgFlo
import Primitives
import Synchronization
import TestSupport
import Testing

@testable import MsgFloAMQP

/// A message that kills every process that takes it, against the real
/// RabbitMQ: `msgflo participant Crash` exits on "crash", the test restarts
/// it as a supervisor would, and the message must end on the error port with
/// `worker_crashed` after `MSGFLO_DELIVERY_LIMIT` lost deliveries instead of
/// coming back forever.
@Suite(.tags(.amqpIntegration), .timeLimit(.minutes(2)), .logsOnFailure) struct PoisonMessageTests {
    @Test func messageThatCrashesEveryWorkerEndsOnTheErrorPortWithWorkerCrashed() async throws {
        let limit = 2
        let role = "poison" + UUID().uuidString.prefix(8).lowercased()
        let transport = try await AMQPTestBroker.connectedTransport()
        let inport = role + ".IN"
        let watched = (out: role + ".test-out", error: role + ".test-error")
        try await transport.declareInport(queue: inport, options: PortOptions())
        for (exchange, queue) in [(role + ".OUT", watched.out), (role + ".ERROR", watched.error)] {
            try await transport.declareOutport(exchange: exchange, options: PortOptions())
            try await transport.declareInport(queue: queue, options: PortOptions())
            try await transport.execute([.bindQueue(queue: queue, exchange: exchange, routingKey: "")])
        }
        let errors = Mutex<[IncomingMessage]>([])
        let errorConsumer = try await transport.consume(queue: watched.error, prefetch: 10) { message in
            errors.withLock { $0.append(message) }
            return .ack
        }
        try await transport.publish(queue: inport, body: Data(#""crash""#.utf8))
        try await transport.publish(queue: inport, body: Data(#""fine""#.utf8))

        var crashes = 0
        var process: Process?
        defer { if let process, process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        // Restart the participant each time it dies, as `msgflo setup --participants` or a platform would.
        while crashes <= limit + 2 {
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("\(role)-\(crashes).log")
            let started = try BuiltExecutable.msgflo.start(
                ["participant", "Crash", "--role", role, "--prefetch", "1"],
                environment: ["MSGFLO_DELIVERY_LIMIT": "\(limit)", "LOG_LEVEL": "info"], log: log)
            process = started
            let outcome = try await waitForValue("the participant to crash or settle the poison message") { () -> Bool? in
                if !started.isRunning { return true }
                return errors.withLock { $0.isEmpty } ? nil : false
            }
            if !outcome { break }
            #expect(started.terminationStatus == 70, "it exited on the poison message")
            crashes += 1
        }
        #expect(crashes == limit + 1, "handled once, then again `limit` times across restarts, then given up")

        let failed = errors.withLock { $0 }
        #expect(failed.count == 1)
        let error = try #require(failed.first).json
        #expect(error["code"]?.stringValue == "worker_crashed")
        #expect(error["input"] == .string("crash"))
        #expect(error["error"]?.stringValue?.contains("MSGFLO_DELIVERY_LIMIT") == true)
        // The worker that gave up on it is alive and handles the next message.
        let passed = try await withDeadline(.seconds(30), "the message after the poison one") {
            try await transport.receive(from: watched.out, amount: 1)
        }
        #expect(passed.first?.json == .string("fine"))
        #expect(process?.isRunning == true)

        await errorConsumer.cancel()
        if let process { kill(process.processIdentifier, SIGTERM) }
        for queue in [inport, watched.out, watched.error] { try await transport.deleteQueue(queue) }
        for exchange in [inport, role + ".OUT", role + ".ERROR", watched.out, watched.error] { try await transport.deleteExchange(exchange) }
        await transport.disconnect()
    }

    /// Requeues on purpose (a transient failure's retries) are not lost
    /// deliveries: a message retried more often than the delivery limit still
    /// succeeds, and its attempts all saw a count of 0.
    @Test func transientRetriesDoNotCountAsCrashes() async throws {
        let role = "retrying" + UUID().uuidString.prefix(8).lowercased()
        let definition = ParticipantDefinition.conventional(
            role: role, component: "Flaky", label: "test", icon: "bolt", inports: ["in"], outports: ["out", "error"])
        let transport = try AMQPTransport(url: AMQPTestBroker.url, configuration: AMQPTestBroker.configuration())
        let attempts = Mutex<[(redelivered: Bool, deliveries: Int)]>([])
        let participant = Participant(
            definition: definition, transport: transport,
            configuration: ParticipantConfiguration(retryBudget: RetryBudget(maxRetries: 10), deliveryLimit: 1)
        ) { _, message, output in
            let attempt = attempts.withLock { list in
                list.append((message.redelivered, message.deliveries))
                return list.count
            }
            if attempt <= 3 { throw RetryLater(TransportError(.brokerUnavailable, "test"), retryDelay: .milliseconds(10)) }
            try await output.send("out", data: message.body)
        }
        try await participant.start()
        let observer = try await AMQPTestBroker.connectedTransport()
        let (out, failed) = (role + ".test-out", role + ".test-error")
        let settled = Mutex<[(port: String, body: JSONValue)]>([])
        var consumers: [any ConsumerHandle] = []
        for (queue, exchange) in [(out, role + ".OUT"), (failed, role + ".ERROR")] {
            try await observer.declareInport(queue: queue, options: PortOptions())
            try await observer.execute([.bindQueue(queue: queue, exchange: exchange, routingKey: "")])
            consumers.append(
                try await observer.consume(queue: queue, prefetch: 10) { message in
                    settled.withLock { $0.append((exchange, message.json)) }
                    return .ack
                })
        }
        try await observer.publish(queue: role + ".IN", body: Data(#""flaky""#.utf8))

        try await waitUntil("the message sent on out or error", timeout: .seconds(30)) { settled.withLock { !$0.isEmpty } }
        let outcome = settled.withLock { $0 }
        #expect(outcome.map(\.port) == [role + ".OUT"], "\(outcome)")
        let seen = attempts.withLock { $0 }
        #expect(seen.count == 4)
        #expect(seen.allSatisfy { !$0.redelivered && $0.deliveries == 0 }, "given back by republishing, not by a requeue the next consumer counts")

        for consumer in consumers { await consumer.cancel() }
        await participant.stop()
        for queue in [out, failed, role + ".IN"] { try await observer.deleteQueue(queue) }
        for exchange in [out, failed, role + ".IN", role + ".OUT", role + ".ERROR"] { try await observer.deleteExchange(exchange) }
        await observer.disconnect()
    }
}
