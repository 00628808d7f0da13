import Foundation
import Primitives
import TestSupport

@testable import MsgFlo

/// A real in-process transport that also writes down what the runtime did:
/// settlements per message and publish confirmations, in order. Not a mock:
/// every call goes through to the broker.
final class RecordingTransport: MessageTransport, BrokerAdmin {
    let inner: InProcessTransport
    let events = LockedState([String]())
    let settlements = LockedState([String: [Settlement]]())
    /// Delay before a publish to an exchange is forwarded (to widen races the runtime must close).
    let publishDelay: UInt64
    /// Publishes to these exchanges fail with the error instead (a broker refusal, a timeout).
    let failing: [String: TransportError]

    init(broker: InProcessBroker, publishDelayNanoseconds: UInt64 = 0, failing: [String: TransportError] = [:]) {
        inner = InProcessTransport(broker: broker)
        publishDelay = publishDelayNanoseconds
        self.failing = failing
    }

    func record(_ event: String) { events.withLock { $0.append(event) } }

    func connect() async throws { try await inner.connect() }
    func disconnect() async { await inner.disconnect() }
    func declareInport(queue: String, options: PortOptions) async throws { try await inner.declareInport(queue: queue, options: options) }
    func declareQueue(_ name: String, options: PortOptions) async throws { try await inner.declareQueue(name, options: options) }
    func declareOutport(exchange: String, options: PortOptions) async throws { try await inner.declareOutport(exchange: exchange, options: options) }
    func execute(_ steps: [TopologyStep]) async throws { try await inner.execute(steps) }

    func publish(exchange: String, body: Data) async throws {
        record("publishing \(exchange) \(String(decoding: body, as: UTF8.self))")
        if publishDelay > 0 { try await Task.sleep(nanoseconds: publishDelay) }
        if let error = failing[exchange] {
            record("failed \(exchange) \(error.code)")
            throw error
        }
        try await inner.publish(exchange: exchange, body: body)
        record("confirmed \(exchange) \(String(decoding: body, as: UTF8.self))")
    }

    func publish(queue: String, body: Data) async throws { try await inner.publish(queue: queue, body: body) }

    func consume(
        queue: String, prefetch: Int,
        handler: @escaping @Sendable (IncomingMessage) async -> Settlement
    ) async throws -> any ConsumerHandle {
        try await inner.consume(queue: queue, prefetch: prefetch) { [self] message in
            let settlement = await handler(message)
            let body = String(decoding: message.body, as: UTF8.self)
            settlements.withLock { $0[body, default: []].append(settlement) }
            record("settled \(body) \(settlement)")
            return settlement
        }
    }

    func tap(
        exchange: String, backlog: Int,
        handler: @escaping @Sendable (IncomingMessage) -> Void
    ) async throws -> any ConsumerHandle {
        try await inner.tap(exchange: exchange, backlog: backlog, handler: handler)
    }
}

/// A participant's inport fed from outside, its outports collected into sinks.
struct Harness {
    let broker = InProcessBroker()
    let client: InProcessTransport

    init() async throws {
        client = InProcessTransport(broker: broker)
        try await client.connect()
    }

    func send(_ queue: String, _ message: JSONValue) async throws {
        try await client.publish(queue: queue, body: message.encoded())
    }

    func sink(_ name: String, boundTo exchanges: [String]) async throws -> QueueSink {
        try await QueueSink.start(client, queue: name, boundTo: exchanges)
    }

    /// Declares `dead-<queue>` and a `deadletter` queue bound to it, as a deadletter binding does.
    func deadLetterSink(for queue: String) async throws -> QueueSink {
        try await client.execute([.declareExchange(name: "dead-\(queue)", type: .fanout)])
        return try await sink("deadletter-\(queue)", boundTo: ["dead-\(queue)"])
    }
}

/// A handler error with a message the error port should carry.
struct HandlerFailure: Error, CustomStringConvertible {
    var description: String
}
