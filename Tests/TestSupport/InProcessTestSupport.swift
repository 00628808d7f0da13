import Foundation
import MsgFlo
import MsgFloAMQP
import MsgFloMQTT
import Primitives

/// A broker name no other test uses, so tests can run in parallel.
public func uniqueBrokerName(_ label: String = #function) -> String {
    "test-\(label.prefix(24))-\(UUID().uuidString.prefix(8))"
}

/// A FIFO that async tests can wait on, with a safety timeout so a broken
/// runtime fails the test instead of hanging it.
public final class Mailbox<Item: Sendable>: Sendable {
    private struct State {
        var items: [Item] = []
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Item, any Error>)] = []
        var nextID: UInt64 = 0
    }

    private let state = LockedState(State())

    public init() {}

    public func put(_ item: Item) {
        let waiter = state.withLock { state -> CheckedContinuation<Item, any Error>? in
            if !state.waiters.isEmpty { return state.waiters.removeFirst().continuation }
            state.items.append(item)
            return nil
        }
        waiter?.resume(returning: item)
    }

    public var buffered: [Item] { state.withLock { $0.items } }

    public func take(timeout: TimeInterval = 60, what: String = "a message") async throws -> Item {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Item, any Error>) in
            let outcome = state.withLock { state -> (Item?, UInt64?) in
                if !state.items.isEmpty { return (state.items.removeFirst(), nil) }
                let id = state.nextID
                state.nextID += 1
                state.waiters.append((id, continuation))
                return (nil, id)
            }
            if let item = outcome.0 {
                continuation.resume(returning: item)
                return
            }
            guard let id = outcome.1 else { return }
            Task {
                try? await Task.sleep(nanoseconds: UInt64(timeout * 1_000_000_000))
                let expired = self.state.withLock { state -> CheckedContinuation<Item, any Error>? in
                    guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.waiters.remove(at: index).continuation
                }
                expired?.resume(throwing: TestTimeout(what: what))
            }
        }
    }

    public func take(_ count: Int, timeout: TimeInterval = 60, what: String = "messages") async throws -> [Item] {
        var items: [Item] = []
        for _ in 0..<count { items.append(try await take(timeout: timeout, what: what)) }
        return items
    }
}

/// A queue bound to exchanges, whose messages are acked and collected.
public struct QueueSink: Sendable {
    public let mailbox: Mailbox<IncomingMessage>
    public let handle: any ConsumerHandle

    public static func start(_ transport: InProcessTransport, queue: String, boundTo exchanges: [String]) async throws -> QueueSink {
        try await transport.execute(
            [.declareQueue(name: queue, deadLetterExchange: nil)]
                + exchanges.map { .bindQueue(queue: queue, exchange: $0, routingKey: "") })
        let mailbox = Mailbox<IncomingMessage>()
        let handle = try await transport.consume(queue: queue, prefetch: 100) { message in
            mailbox.put(message)
            return .ack
        }
        return QueueSink(mailbox: mailbox, handle: handle)
    }

    private init(mailbox: Mailbox<IncomingMessage>, handle: any ConsumerHandle) {
        self.mailbox = mailbox
        self.handle = handle
    }

    public func next() async throws -> JSONValue { try await mailbox.take(what: "a message on the sink").json }
    /// Messages received and not yet taken.
    public var count: Int { mailbox.buffered.count }
    public func next(_ count: Int) async throws -> [JSONValue] { try await mailbox.take(count, what: "messages on the sink").map(\.json) }
}
