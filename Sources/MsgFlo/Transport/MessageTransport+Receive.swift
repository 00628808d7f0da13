import Foundation
import Synchronization

extension MessageTransport {
    /// Consumes, acks and returns the next `amount` messages of `queue`
    /// (what `msgflo dump --queue Q --amount N` needs). Messages delivered
    /// beyond `amount` are requeued untouched.
    public func receive(from queue: String, amount: Int) async throws -> [IncomingMessage] {
        guard amount > 0 else { return [] }
        let collector = AMQPMessageCollector(amount: amount)
        let handle = try await consume(queue: queue, prefetch: amount) { message in
            collector.offer(message) ? .ack : .requeue
        }
        let messages = await collector.wait()
        await handle.cancel()
        return messages
    }
}

/// Gathers exactly `amount` messages and wakes the waiter when it has them.
final class AMQPMessageCollector: Sendable {
    private struct State {
        var messages: [IncomingMessage] = []
        var waiter: CheckedContinuation<[IncomingMessage], Never>?
    }

    private let amount: Int
    private let state = Mutex(State())

    init(amount: Int) { self.amount = amount }

    /// True when the message was taken (ack it), false when enough were already taken.
    func offer(_ message: IncomingMessage) -> Bool {
        let (taken, done) = state.withLock { state -> (Bool, (CheckedContinuation<[IncomingMessage], Never>, [IncomingMessage])?) in
            guard state.messages.count < amount else { return (false, nil) }
            state.messages.append(message)
            guard state.messages.count == amount, let waiter = state.waiter else { return (true, nil) }
            state.waiter = nil
            return (true, (waiter, state.messages))
        }
        if let (waiter, messages) = done { waiter.resume(returning: messages) }
        return taken
    }

    func wait() async -> [IncomingMessage] {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> [IncomingMessage]? in
                if state.messages.count >= amount { return state.messages }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
