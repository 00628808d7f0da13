import Foundation

/// The messages received on a WebSocket, in order; ends when the peer closes or
/// the connection drops. Iterate it from one task only.
///
/// Unlike an unbounded `AsyncStream`, it pushes back: when the handler falls
/// `highWater` messages behind, the server stops reading the socket until the
/// handler catches up, so a fast sender cannot fill the server's memory.
public struct WebSocketMessages: AsyncSequence, Sendable {
    public typealias Element = WebSocketMessage
    let inbox: WebSocketInbox

    public struct AsyncIterator: AsyncIteratorProtocol {
        let inbox: WebSocketInbox
        public mutating func next() async -> WebSocketMessage? { await inbox.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(inbox: inbox) }
}

/// The buffer between the event loop (producer) and the handler (consumer).
final class WebSocketInbox: @unchecked Sendable {
    static let highWater = 64

    private let lock = NSLock()
    private var buffer: [WebSocketMessage] = []
    private var head = 0
    private var waiter: CheckedContinuation<WebSocketMessage?, Never>?
    private var finished = false
    private var paused = false
    /// Called (on the consumer's thread) when a paused producer may go on.
    private let onDrained: @Sendable () -> Void

    init(onDrained: @escaping @Sendable () -> Void) {
        self.onDrained = onDrained
    }

    /// Hands over a message; false when the consumer is behind and reading should pause.
    func push(_ message: WebSocketMessage) -> Bool {
        lock.lock()
        if finished {
            lock.unlock()
            return true
        }
        if let waiter {
            self.waiter = nil
            lock.unlock()
            waiter.resume(returning: message)
            return true
        }
        buffer.append(message)
        let full = buffer.count - head >= Self.highWater
        if full { paused = true }
        lock.unlock()
        return !full
    }

    func finish() {
        lock.lock()
        finished = true
        let waiter = waiter
        self.waiter = nil
        lock.unlock()
        waiter?.resume(returning: nil)
    }

    func next() async -> WebSocketMessage? {
        await withCheckedContinuation { (continuation: CheckedContinuation<WebSocketMessage?, Never>) in
            lock.lock()
            if head < buffer.count {
                let message = buffer[head]
                head += 1
                if head == buffer.count {
                    buffer.removeAll(keepingCapacity: true)
                    head = 0
                }
                var resume = false
                if paused && buffer.count - head <= Self.highWater / 2 {
                    paused = false
                    resume = true
                }
                lock.unlock()
                if resume { onDrained() }
                continuation.resume(returning: message)
                return
            }
            if finished {
                lock.unlock()
                continuation.resume(returning: nil)
                return
            }
            precondition(waiter == nil, "WebSocket.messages must be iterated by one task at a time")
            waiter = continuation
            lock.unlock()
        }
    }
}
