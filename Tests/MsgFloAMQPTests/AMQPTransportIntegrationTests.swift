import Foundation
import Logging
import MsgFlo
import Primitives
import Testing

@testable import MsgFloAMQP

/// AMQPTransport against the real RabbitMQ (MSGFLO_TEST_BROKER).
@Suite("AMQPTransport integration", .tags(.amqpIntegration), .timeLimit(.minutes(3)), .logsOnFailure)
struct AMQPTransportIntegrationTests {
    let management = RabbitManagement()

    @Test func persistentInportIsDeclaredExactlyLikeMsgfloNodejs() async throws {
        let transport = try await AMQPTestBroker.connectedTransport()
        let queue = AMQPTestBroker.uniqueName("inport")
        try await transport.declareInport(queue: queue, options: PortOptions())
        // Declaring again with the same arguments must not 406.
        try await transport.declareInport(queue: queue, options: PortOptions())

        let info = try #require(try await management.queue(queue))
        #expect(info["durable"] as? Bool == true)
        #expect(info["auto_delete"] as? Bool == false)
        #expect(info["exclusive"] as? Bool == false)
        let arguments = try #require(info["arguments"] as? [String: Any])
        #expect(arguments.count == 1)
        #expect(arguments["x-dead-letter-exchange"] as? String == "dead-" + queue)

        let exchange = try #require(try await management.exchange(queue))
        #expect(exchange["type"] as? String == "fanout")
        #expect(exchange["durable"] as? Bool == true)
        #expect(exchange["auto_delete"] as? Bool == false)
        #expect((exchange["arguments"] as? [String: Any])?.isEmpty == true)
        let bindings = try await management.bindings(ofQueue: queue)
        #expect(bindings.contains { $0["source"] as? String == queue && $0["routing_key"] as? String == "" })

        try await transport.deleteQueue(queue)
        try await transport.deleteExchange(queue)
        await transport.disconnect()
    }

    @Test func nonPersistentPortsAreTransientAndPlainQueueHasNoArguments() async throws {
        let transport = try await AMQPTestBroker.connectedTransport()
        let inport = AMQPTestBroker.uniqueName("transient-in")
        let outport = AMQPTestBroker.uniqueName("transient-out")
        let plain = AMQPTestBroker.uniqueName("plain")
        try await transport.declareInport(queue: inport, options: PortOptions(persistent: false))
        try await transport.declareOutport(exchange: outport, options: PortOptions(persistent: false))
        try await transport.declareQueue(plain, options: PortOptions())

        let inInfo = try #require(try await management.queue(inport))
        #expect(inInfo["durable"] as? Bool == false)
        #expect(inInfo["auto_delete"] as? Bool == true)
        #expect((inInfo["arguments"] as? [String: Any])?["x-dead-letter-exchange"] as? String == "dead-" + inport)
        let outInfo = try #require(try await management.exchange(outport))
        #expect(outInfo["type"] as? String == "fanout")
        #expect(outInfo["durable"] as? Bool == false)
        #expect(outInfo["auto_delete"] as? Bool == true)
        let plainInfo = try #require(try await management.queue(plain))
        #expect(plainInfo["durable"] as? Bool == true)
        #expect(plainInfo["auto_delete"] as? Bool == false)
        #expect((plainInfo["arguments"] as? [String: Any])?.isEmpty == true)

        for queue in [inport, plain] { try await transport.deleteQueue(queue) }
        for exchange in [inport, outport] { try await transport.deleteExchange(exchange) }
        await transport.disconnect()
    }

    @Test func mismatchedDeclarationIsRefusedAndTheTransportKeepsWorking() async throws {
        let transport = try await AMQPTestBroker.connectedTransport()
        let queue = AMQPTestBroker.uniqueName("mismatch")
        try await transport.declareQueue(queue, options: PortOptions())
        let error = await #expect(throws: TransportError.self) {
            try await transport.declareInport(queue: queue, options: PortOptions())
        }
        #expect(error?.code == .preconditionFailed)
        #expect(error?.replyCode == 406 && error?.queue == queue)
        #expect(error?.description.contains("PRECONDITION_FAILED") == true)
        // The publishing channel is unaffected by the refused declaration.
        try await transport.publish(queue: queue, body: Data("1".utf8))
        let received = try await transport.receive(from: queue, amount: 1)
        #expect(received.map(\.body) == [Data("1".utf8)])
        try await transport.deleteQueue(queue)
        await transport.disconnect()
    }

    @Test func publishesAreConfirmedConsumedAndAcked() async throws {
        let transport = try await AMQPTestBroker.connectedTransport()
        let queue = AMQPTestBroker.uniqueName("roundtrip")
        try await transport.declareInport(queue: queue, options: PortOptions())
        let count = 500
        // Pipelined: all publishes in flight at once, each resumed by its confirm.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<count {
                group.addTask {
                    let body = Data("{\"n\":\(i)}".utf8)
                    if i.isMultiple(of: 2) {
                        try await transport.publish(queue: queue, body: body)
                    } else {
                        try await transport.publish(exchange: queue, body: body)
                    }
                }
            }
            try await group.waitForAll()
        }
        let messages = try await transport.receive(from: queue, amount: count)
        let numbers = Set(
            messages.compactMap { message -> Int? in
                if case .object(let object) = message.json, case .number(let n) = object["n"] { return Int(n) }
                return nil
            })
        #expect(numbers == Set(0..<count))
        #expect(messages.allSatisfy { $0.queue == queue && !$0.redelivered })
        await transport.disconnect()

        // Acked messages are gone once the broker's statistics catch up.
        let drained = try await eventually(timeout: .seconds(30)) {
            let info = try await management.queue(queue)
            return info?["messages"] as? Int == 0
        }
        #expect(drained)
        let cleanup = try await AMQPTestBroker.connectedTransport()
        try await cleanup.deleteQueue(queue)
        try await cleanup.deleteExchange(queue)
        await cleanup.disconnect()
    }

    @Test func messagesArePersistentJSON() async throws {
        let transport = try await AMQPTestBroker.connectedTransport()
        let queue = AMQPTestBroker.uniqueName("props")
        try await transport.declareQueue(queue, options: PortOptions())
        try await transport.publish(queue: queue, body: Data("{\"a\":1}".utf8))
        // Look at the message through the management API without consuming it for good.
        let peek = try await managementPeek(queue: queue)
        let properties = try #require(peek?["properties"] as? [String: Any])
        #expect(properties["delivery_mode"] as? Int == 2)
        #expect(properties["content_type"] as? String == "application/json")
        try await transport.deleteQueue(queue)
        await transport.disconnect()
    }

    @Test func rejectedMessageGoesToTheDeadLetterQueue() async throws {
        let transport = try await AMQPTestBroker.connectedTransport()
        let queue = AMQPTestBroker.uniqueName("rejecting")
        let deadLetters = AMQPTestBroker.uniqueName("deadletter")
        try await transport.declareInport(queue: queue, options: PortOptions())
        try await transport.execute([
            .declareExchange(name: "dead-" + queue, type: .fanout),
            .declareQueue(name: deadLetters, deadLetterExchange: nil),
            .bindQueue(queue: deadLetters, exchange: "dead-" + queue, routingKey: ""),
        ])
        let handle = try await transport.consume(queue: queue, prefetch: 2) { _ in .reject }
        try await transport.publish(queue: queue, body: Data("\"poison\"".utf8))
        let dead = try await transport.receive(from: deadLetters, amount: 1)
        #expect(dead.first?.json == .string("poison"))
        await handle.cancel()
        try await transport.deleteQueue(queue)
        try await transport.deleteQueue(deadLetters)
        try await transport.deleteExchange(queue)
        try await transport.deleteExchange("dead-" + queue)
        await transport.disconnect()
    }

    @Test func requeuedMessageIsRedelivered() async throws {
        let transport = try await AMQPTestBroker.connectedTransport()
        let queue = AMQPTestBroker.uniqueName("requeue")
        try await transport.declareInport(queue: queue, options: PortOptions())
        let seen = LockedState<[IncomingMessage]>([])
        let handle = try await transport.consume(queue: queue, prefetch: 1) { message in
            let first = seen.withLock { seen in
                seen.append(message)
                return seen.count == 1
            }
            return first ? .requeue : .ack
        }
        try await transport.publish(queue: queue, body: Data("\"again\"".utf8))
        #expect(await eventually { seen.value.count >= 2 })
        let deliveries = seen.value
        #expect(deliveries.count == 2)
        #expect(deliveries.map(\.body) == [Data("\"again\"".utf8), Data("\"again\"".utf8)])
        #expect(deliveries.map(\.redelivered) == [false, true])
        await handle.cancel()
        try await transport.deleteQueue(queue)
        try await transport.deleteExchange(queue)
        await transport.disconnect()
    }

    @Test(arguments: [1, 3])
    func prefetchBoundsUnsettledDeliveries(_ prefetch: Int) async throws {
        let transport = try await AMQPTestBroker.connectedTransport()
        let queue = AMQPTestBroker.uniqueName("prefetch")
        try await transport.declareInport(queue: queue, options: PortOptions())
        let total = 12
        for i in 0..<total { try await transport.publish(queue: queue, body: Data("\(i)".utf8)) }

        struct Counts { var inFlight = 0, maximum = 0, done = 0 }
        let counts = LockedState(Counts())
        let handle = try await transport.consume(queue: queue, prefetch: prefetch) { _ in
            counts.withLock {
                $0.inFlight += 1
                $0.maximum = max($0.maximum, $0.inFlight)
            }
            // Hold the first deliveries until the window is full, then give an
            // over-delivering broker time to show itself before settling.
            _ = await eventually(timeout: .seconds(10)) {
                counts.withLock { $0.inFlight >= prefetch || $0.done + $0.inFlight >= total }
            }
            try? await Task.sleep(for: .milliseconds(100))
            counts.withLock {
                $0.inFlight -= 1
                $0.done += 1
            }
            return .ack
        }
        #expect(await eventually { counts.value.done == total })
        #expect(counts.value.maximum == prefetch)
        await handle.cancel()
        try await transport.deleteQueue(queue)
        try await transport.deleteExchange(queue)
        await transport.disconnect()
    }

    @Test func publishToAMissingExchangeFailsAloneAndLaterPublishesWork() async throws {
        let transport = try await AMQPTestBroker.connectedTransport()
        let queue = AMQPTestBroker.uniqueName("after-refusal")
        try await transport.declareQueue(queue, options: PortOptions())
        let error = await #expect(throws: TransportError.self) {
            try await transport.publish(exchange: AMQPTestBroker.uniqueName("no-exchange"), body: Data("0".utf8))
        }
        #expect(error?.code == .notFound)
        #expect(error?.isTransient == false)
        #expect(error?.description.contains("NOT_FOUND") == true)
        for i in 1...3 { try await transport.publish(queue: queue, body: Data("\(i)".utf8)) }
        let received = try await transport.receive(from: queue, amount: 3)
        #expect(Set(received.map(\.body)) == Set((1...3).map { Data("\($0)".utf8) }))
        try await transport.deleteQueue(queue)
        await transport.disconnect()
    }

    @Test func consumingAMissingQueueIsRefused() async throws {
        let transport = try await AMQPTestBroker.connectedTransport()
        let error = await #expect(throws: TransportError.self) {
            _ = try await transport.consume(queue: AMQPTestBroker.uniqueName("missing"), prefetch: 1) { _ in .ack }
        }
        #expect(error?.code == .notFound)
        #expect(error?.description.contains("NOT_FOUND") == true)
        await transport.disconnect()
    }

    @Test func publishingBeforeConnectSaysWhatToDo() async throws {
        let transport = try AMQPTransport(url: AMQPTestBroker.url)
        let error = await #expect(throws: TransportError.self) {
            try await transport.publish(queue: "anything", body: Data())
        }
        #expect(error?.code == .notConnected)
        #expect(error?.description.contains("connect()") == true)
    }

    @Test func nonAMQPURLIsRefusedUpFront() throws {
        let error = #expect(throws: TransportError.self) {
            _ = try AMQPTransport(url: BrokerURL(parsing: "mqtt://localhost"))
        }
        #expect(error?.code == .unsupportedURL)
    }

    @Test func theFactoryPassesTheOptionsOn() throws {
        AMQPTransport.register()
        let options = TransportOptions(publishTimeout: .seconds(3), prefetch: 9)
        let transport = try Transports.make(url: AMQPTestBroker.url, options: options)
        #expect(transport.options == options)
        #expect((transport as? AMQPTransport)?.configuration.publishTimeout == .seconds(3))
    }

    struct RefusedCase: Sendable, CustomTestStringConvertible {
        var url: String
        var code: TransportError.Code
        var advice: String
        var testDescription: String { url }
    }

    static var refusedCases: [RefusedCase] {
        let broker = AMQPTestBroker.url
        return [
            RefusedCase(
                url: "amqp://guest:wrong-password@\(broker.host):\(broker.port)", code: .authenticationFailed,
                advice: "check user:password in the broker URL"),
            RefusedCase(
                url: "amqp://guest:guest@\(broker.host):\(broker.port)/no-such-vhost", code: .notFound,
                advice: "check the virtual host"),
        ]
    }

    /// A refused login fails connect() instead of being retried forever: it would fail the same way every time.
    @Test(arguments: refusedCases)
    func aRefusedLoginFailsConnect(_ case_: RefusedCase) async throws {
        let transport = try AMQPTransport(
            url: BrokerURL(parsing: case_.url), configuration: AMQPTestBroker.configuration(),
            logger: Logger(label: "test.amqp") { _ in SwiftLogNoOpLogHandler() })
        let error = await #expect(throws: TransportError.self) { try await transport.connect() }
        #expect(error?.code == case_.code)
        #expect(error?.isTransient == false)
        #expect(error?.message.contains(case_.advice) == true, "\(String(describing: error))")
        #expect(error?.message.contains("wrong-password") == false)
    }

    struct UnreachableCase: Sendable, CustomTestStringConvertible {
        var url: String
        var expectedLog: [String]
        var testDescription: String { url }
    }

    static var unreachableCases: [UnreachableCase] {
        let broker = AMQPTestBroker.url
        return [
            UnreachableCase(
                url: "amqp://guest:guest@127.0.0.1:1",
                expectedLog: ["cannot connect to amqp://guest@127.0.0.1:1/%2F: connection refused; retrying in"]),
            UnreachableCase(
                url: "amqps://guest:guest@\(broker.host):\(broker.port)",
                expectedLog: ["cannot connect to amqps://guest@\(broker.host):\(broker.port)/%2F: SSL handshake failed; retrying in"]),
            UnreachableCase(
                url: "amqp://guest:guest@no-such-host.invalid",
                expectedLog: ["cannot connect to amqp://guest@no-such-host.invalid:5672/%2F: cannot resolve host 'no-such-host.invalid'"]),
        ]
    }

    @Test(arguments: unreachableCases)
    func unreachableBrokerIsLoggedClearlyAndRetriedUntilCancelled(_ case_: UnreachableCase) async throws {
        let log = LogRecorder()
        let logger = log.logger(label: "test.amqp", level: .info)
        let transport = try AMQPTransport(
            url: BrokerURL(parsing: case_.url),
            configuration: AMQPTestBroker.configuration(), logger: logger)
        let connecting = Task { try await transport.connect() }
        let retried = await eventually(timeout: .seconds(60)) {
            log.lines.filter { $0.contains("cannot connect") }.count >= 3
        }
        #expect(retried)
        connecting.cancel()
        await #expect(throws: CancellationError.self) { try await connecting.value }
        let failures = log.lines.filter { $0.contains("cannot connect") }
        // Cancelling connect() stops the retries (the test backoff is at most 2.4 s).
        try await Task.sleep(for: .seconds(3))
        #expect(log.lines.filter { $0.contains("cannot connect") }.count <= failures.count + 1)
        for fragment in case_.expectedLog {
            #expect(failures.allSatisfy { $0.contains(fragment) }, "\(fragment) missing in \(failures)")
        }
        #expect(failures.allSatisfy { !$0.contains("wrong-password") })
    }

    /// Reads one message through the management API and puts it back (ackmode requeue).
    private func managementPeek(queue: String) async throws -> [String: Any]? {
        var components = URLComponents(url: AMQPTestBroker.managementURL, resolvingAgainstBaseURL: false)!
        let user = components.user ?? "guest"
        let password = components.password ?? "guest"
        components.user = nil
        components.password = nil
        let url = URL(string: components.string! + "/api/queues/%2F/\(RabbitManagement.encode(queue))/get")!
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.setValue("Basic " + Data("\(user):\(password)".utf8).base64EncodedString(), forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"count":1,"ackmode":"ack_requeue_true","encoding":"auto"}"#.utf8)
        let (data, _) = try await URLSession.shared.data(for: request)
        return (try JSONSerialization.jsonObject(with: data) as? [[String: Any]])?.first
    }
}

#if canImport(FoundationNetworking)
    import FoundationNetworking
    import TestSupport
    import Primitives
#endif
