import Foundation

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
final class AMQPMessageCollector: @unchecked Sendable {
    private let lock = NSLock()
    private let amount: Int
    private var messages: [IncomingMessage] = []
    private var waiter: CheckedContinuation<[IncomingMessage], Never>?

    init(amount: Int) { self.amount = amount }

    /// True when the message was taken (ack it), false when enough were already taken.
    func offer(_ message: IncomingMessage) -> Bool {
        lock.lock()
        guard messages.count < amount else { lock.unlock(); return false }
        messages.append(message)
        let done = messages.count == amount ? waiter : nil
        if done != nil { waiter = nil }
        let result = messages
        lock.unlock()
        done?.resume(returning: result)
        return true
    }

    func wait() async -> [IncomingMessage] {
        await withCheckedContinuation { continuation in
            lock.lock()
            if messages.count >= amount {
                let result = messages
                lock.unlock()
                continuation.resume(returning: result)
            } else {
                waiter = continuation
                lock.unlock()
            }
        }
    }
}
