import Foundation
import MsgFlo
import MsgFloAMQP
import Primitives
import TestSupport

/// A queue of the test's own bound to an outport exchange, counting what
/// arrives there by message (so duplicates and losses show).
final class MessageCounter: Sendable {
    let queue: String
    private let seen = LockedState<[String: Int]>([:])
    private let handle: LockedState<(any ConsumerHandle)?>

    private init(queue: String) {
        self.queue = queue
        handle = LockedState(nil)
    }

    static func bind(_ queue: String, to exchange: String, on transport: AMQPTransport) async throws -> MessageCounter {
        let counter = MessageCounter(queue: queue)
        try await transport.execute([
            .declareExchange(name: exchange, type: .fanout),
            .declareQueue(name: queue, deadLetterExchange: nil),
            .bindQueue(queue: queue, exchange: exchange, routingKey: ""),
        ])
        let handle = try await transport.consume(queue: queue, prefetch: 200) { message in
            let key = String(decoding: message.body, as: UTF8.self)
            counter.seen.withLock { $0[key, default: 0] += 1 }
            return .ack
        }
        counter.handle.withLock { $0 = handle }
        return counter
    }

    /// Messages received, duplicates included.
    var total: Int { seen.withLock { $0.values.reduce(0, +) } }
    /// Each distinct body and how often it came.
    var counts: [String: Int] { seen.withLock { $0 } }

    func waitForTotal(_ expected: Int) async -> Bool {
        await eventually { self.total >= expected }
    }

    func stop() async {
        await handle.withLock { $0 }?.cancel()
    }
}

/// `{"batch":B,"n":N}` bodies, so each message is told apart.
func batch(_ number: Int, count: Int) -> [String] {
    (0..<count).map { #"{"batch":\#(number),"n":\#($0)}"# }
}

extension AMQPTransport {
    func publish(_ bodies: [String], to queue: String) async throws {
        for body in bodies { try await publish(queue: queue, body: Data(body.utf8)) }
    }
}
