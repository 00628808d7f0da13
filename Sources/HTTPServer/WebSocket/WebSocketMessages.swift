import Foundation
import Synchronization

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
final class WebSocketInbox: Sendable {
    static let highWater = 64

    private struct State {
        var buffer: [WebSocketMessage] = []
        var head = 0
        var waiter: CheckedContinuation<WebSocketMessage?, Never>?
        var finished = false
        var paused = false
    }

    private let state = Mutex(State())
    /// Called (on the consumer's thread) when a paused producer may go on.
    private let onDrained: @Sendable () -> Void

    init(onDrained: @escaping @Sendable () -> Void) {
        self.onDrained = onDrained
    }

    /// Hands over a message; false when the consumer is behind and reading should pause.
    func push(_ message: WebSocketMessage) -> Bool {
        let (waiter, full) = state.withLock { state -> (CheckedContinuation<WebSocketMessage?, Never>?, Bool) in
            if state.finished { return (nil, false) }
            if let waiter = state.waiter {
                state.waiter = nil
                return (waiter, false)
            }
            state.buffer.append(message)
            let full = state.buffer.count - state.head >= Self.highWater
            if full { state.paused = true }
            return (nil, full)
        }
        waiter?.resume(returning: message)
        return !full
    }

    func finish() {
        let waiter = state.withLock { state in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }

    func next() async -> WebSocketMessage? {
        await withCheckedContinuation { (continuation: CheckedContinuation<WebSocketMessage?, Never>) in
            enum Outcome {
                case message(WebSocketMessage, resumeProducer: Bool)
                case end, wait
            }
            let outcome = state.withLock { state -> Outcome in
                if state.head < state.buffer.count {
                    let message = state.buffer[state.head]
                    state.head += 1
                    if state.head == state.buffer.count {
                        state.buffer.removeAll(keepingCapacity: true)
                        state.head = 0
                    }
                    var resume = false
                    if state.paused && state.buffer.count - state.head <= Self.highWater / 2 {
                        state.paused = false
                        resume = true
                    }
                    return .message(message, resumeProducer: resume)
                }
                if state.finished { return .end }
                precondition(state.waiter == nil, "WebSocket.messages must be iterated by one task at a time")
                state.waiter = continuation
                return .wait
            }
            switch outcome {
            case .message(let message, let resumeProducer):
                if resumeProducer { onDrained() }
                continuation.resume(returning: message)
            case .end:
                continuation.resume(returning: nil)
            case .wait:
                break
            }
        }
    }
}
