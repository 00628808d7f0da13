import Foundation
import Logging
import MsgFlo
import Primitives
import TestSupport
import Testing

@testable import MsgFloAMQP

#if canImport(Glibc)
    import Glibc
#endif

@Suite("AMQP broker restart", .tags(.brokerRestart), .serialized, .timeLimit(.minutes(10)), .logsOnFailure)
struct AMQPBrokerRestartTests {
    @Test func everyConfirmedMessageIsConsumedAcrossABrokerRestart() async throws {
        let broker = PrivateRabbitMQ()
        try await broker.start()
        defer { try? broker.stopBlocking() }

        let transport = try await AMQPTestBroker.connectedTransport(url: broker.url, publishTimeout: .seconds(240))
        let queue = AMQPTestBroker.uniqueName("restart")
        try await transport.declareInport(queue: queue, options: PortOptions())
        // Non-durable: gone after the restart unless the transport declares it again.
        let transient = AMQPTestBroker.uniqueName("restart-transient")
        try await transport.declareInport(queue: transient, options: PortOptions(persistent: false))

        let consumed = LockedState<[Int: Int]>([:])
        let handle = try await transport.consume(queue: queue, prefetch: 10) { message in
            if let n = Int(String(decoding: message.body, as: UTF8.self)) {
                consumed.withLock { $0[n, default: 0] += 1 }
            }
            return .ack
        }

        // Publish a steady stream, batches of concurrent (pipelined) publishes,
        // until told how many to send in total.
        let stopAt = LockedState<Int?>(nil)
        let published = LockedState(0)
        let publishing = Task {
            var next = 0
            while stopAt.value.map({ next < $0 }) ?? true {
                let batch = next..<(next + 10)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for n in batch {
                        group.addTask { try await transport.publish(queue: queue, body: Data("\(n)".utf8)) }
                    }
                    try await group.waitForAll()
                }
                next = batch.upperBound
                published.withLock { $0 = next }
                try await Task.sleep(for: .milliseconds(50))
            }
            return next
        }

        #expect(await eventually(timeout: .seconds(60)) { consumed.value.count >= 100 })
        try await broker.stop()
        try await broker.start()
        // Keep publishing for a while after the restart, then stop.
        stopAt.withLock { $0 = published.value + 300 }
        let total = try await publishing.value

        let complete = await eventually(timeout: .seconds(180)) { consumed.value.count == total }
        #expect(complete, "consumed \(consumed.value.count) of \(total) distinct messages")
        #expect(Set(consumed.value.keys) == Set(0..<total))

        // Redeclared and re-qos'd without being told.
        let management = RabbitManagement(base: URL(string: "http://guest:guest@localhost:\(broker.managementPort)")!)
        #expect(try await eventually { try await management.queue(transient) != nil })
        // (The management API's consumer list lags the broker by a few seconds.)
        var ours: [[String: Any]] = []
        _ = try await eventually {
            let consumers = try await management.getJSON("consumers") as? [[String: Any]] ?? []
            ours = consumers.filter { ($0["queue"] as? [String: Any])?["name"] as? String == queue }
            return !ours.isEmpty
        }
        #expect(ours.count == 1)
        #expect(ours.first?["prefetch_count"] as? Int == 10)
        #expect(ours.first?["ack_required"] as? Bool == true)

        // Publishes fail with a clear error once the broker stays away longer than the timeout.
        let impatient = try await AMQPTestBroker.connectedTransport(url: broker.url, publishTimeout: .seconds(3))
        await handle.cancel()
        try await transport.deleteQueue(queue)
        try await transport.deleteExchange(queue)
        try await transport.deleteQueue(transient)
        try await transport.deleteExchange(transient)
        await transport.disconnect()
        try await broker.stop()
        let error = await #expect(throws: TransportError.self) {
            try await impatient.publish(queue: "anything", body: Data("1".utf8))
        }
        #expect(error?.code == .publishTimeout)
        #expect(error?.isTransient == true)
        await impatient.disconnect()
    }

    @Test func aSettlementFromTheLostConnectionIsDroppedAndTheBrokerRedelivers() async throws {
        let broker = PrivateRabbitMQ()
        try await broker.start()
        defer { try? broker.stopBlocking() }

        let log = LogRecorder()
        let logger = log.logger(label: "test.amqp", level: .info)
        let transport = try await AMQPTestBroker.connectedTransport(url: broker.url, logger: logger)
        let queue = AMQPTestBroker.uniqueName("stale")
        try await transport.declareInport(queue: queue, options: PortOptions())

        let held = Data("\"held\"".utf8)
        let marker = Data("\"marker\"".utf8)
        let gate = LockedState(false)
        let deliveries = LockedState<[IncomingMessage]>([])
        let handle = try await transport.consume(queue: queue, prefetch: 1) { message in
            let first = deliveries.withLock {
                $0.append(message)
                return $0.count == 1
            }
            // The first delivery is settled only after its connection died and a new one exists.
            if first { _ = await eventually(timeout: .seconds(180)) { gate.value } }
            return .ack
        }
        try await transport.publish(queue: queue, body: held)
        #expect(await eventually { deliveries.value.count == 1 })

        try await broker.stop()
        try await broker.start()
        let reconnected = await eventually(timeout: .seconds(120)) {
            log.lines.filter { $0.contains("connected to") && !$0.contains("cannot") }.count >= 4
        }
        #expect(reconnected)
        #expect(await eventually { deliveries.value.count >= 2 })
        gate.withLock { $0 = true }

        try await transport.publish(queue: queue, body: marker)
        #expect(await eventually { deliveries.value.contains { $0.body == marker } })
        let seen = deliveries.value
        #expect(seen.filter { $0.body == held }.count == 2)
        #expect(seen.filter { $0.body == held }.last?.redelivered == true)
        // Had the stale ack gone out on the new channel, the broker would have
        // closed it (unknown delivery tag) and we would have logged it.
        #expect(!log.lines.contains { $0.contains("closed the channel") || $0.contains("PRECONDITION_FAILED") })

        await handle.cancel()
        try await transport.deleteQueue(queue)
        try await transport.deleteExchange(queue)
        await transport.disconnect()
    }

    @Test func heartbeatsDetectASilentBrokerAndTheTransportRecovers() async throws {
        let broker = PrivateRabbitMQ()
        try await broker.start()
        defer {
            try? broker.send(signal: SIGCONT)
            try? broker.stopBlocking()
        }

        let log = LogRecorder()
        let logger = log.logger(label: "test.amqp", level: .info)
        // broker.url asks for 2 s heartbeats.
        let transport = try await AMQPTestBroker.connectedTransport(url: broker.url, logger: logger)
        let queue = AMQPTestBroker.uniqueName("heartbeat")
        try await transport.declareInport(queue: queue, options: PortOptions())
        let consumed = LockedState<[Data]>([])
        let handle = try await transport.consume(queue: queue, prefetch: 2) { message in
            consumed.withLock { $0.append(message.body) }
            return .ack
        }
        try await transport.publish(queue: queue, body: Data("1".utf8))
        #expect(await eventually { consumed.value.count == 1 })

        try broker.send(signal: SIGSTOP)
        let detected = await eventually(timeout: .seconds(60)) {
            log.lines.filter { $0.contains("lost connection") && $0.contains("heartbeat") }.count >= 2
        }
        #expect(detected, "\(log.lines)")
        try broker.send(signal: SIGCONT)

        // Both connections come back by themselves and messages flow again.
        try await transport.publish(queue: queue, body: Data("2".utf8))
        #expect(await eventually(timeout: .seconds(120)) { consumed.value.contains(Data("2".utf8)) })

        await handle.cancel()
        try await transport.deleteQueue(queue)
        try await transport.deleteExchange(queue)
        await transport.disconnect()
    }
}
