import Foundation
import Logging
import MsgFlo
import Primitives

/// One `consume` call: a stream of deliveries and a task that runs at most
/// `prefetch` handlers at a time, settling each delivery with what its handler returned.
///
/// A requeued message comes back to this consumer after a backoff: on MQTT
/// publishing it again would hand a copy to every subscriber of the topic
/// (taps, forwarding, every instance without a shared subscription). The
/// PUBACK waits until the message is finally settled.
final class MQTTConsumer: Sendable {
    typealias Item = (delivery: MQTTDelivery, countdown: MQTTSettlementCountdown, attempt: Int)

    let id: Int
    /// The topic its deliveries come from.
    let topic: String
    /// What it subscribed to: `topic`, or `$share/<role>/<topic>`.
    let filter: String
    let prefetch: Int
    /// A participant's inport in a persistent session: cancelling it does not unsubscribe.
    let keepsSubscription: Bool
    private let handler: @Sendable (IncomingMessage) async -> Settlement
    private weak let transport: MQTTTransport?
    private let stream: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation
    private let runningCount = LockedState(0)

    init(
        id: Int, topic: String, filter: String, prefetch: Int, keepsSubscription: Bool,
        handler: @escaping @Sendable (IncomingMessage) async -> Settlement,
        transport: MQTTTransport
    ) {
        self.id = id
        self.topic = topic
        self.filter = filter
        self.keepsSubscription = keepsSubscription
        self.prefetch = prefetch
        self.handler = handler
        self.transport = transport
        (stream, continuation) = AsyncStream.makeStream(of: Item.self)
    }

    /// Handlers running now.
    var running: Int { runningCount.withLock { $0 } }

    func deliver(_ delivery: MQTTDelivery, countdown: MQTTSettlementCountdown) {
        if case .terminated = continuation.yield((delivery, countdown, 1)) {
            countdown.settle() // Cancelled meanwhile: nobody will handle it.
        }
    }

    /// No new deliveries; the ones already queued still run and are settled.
    func finish() { continuation.finish() }

    func start() {
        Task { [self] in
            await withTaskGroup(of: Void.self) { group in
                var active = 0
                for await item in stream {
                    if active >= prefetch {
                        await group.next()
                        active -= 1
                    }
                    active += 1
                    runningCount.withLock { $0 += 1 }
                    group.addTask { [self] in
                        await handle(item)
                        runningCount.withLock { $0 -= 1 }
                    }
                }
            }
        }
    }

    private func handle(_ item: Item) async {
        let message = IncomingMessage(queue: topic, body: Data(item.delivery.payload), redelivered: item.delivery.duplicate)
        let settlement = await handler(message)
        switch settlement {
        case .ack:
            break
        case .reject:
            transport?.logger.warning("MQTT cannot dead-letter: rejected message dropped", metadata: ["topic": "\(topic)"])
        case .requeue:
            // Not settled yet: it comes back here after a backoff, outside the prefetch window.
            let delay = transport?.configuration.requeueBackoff.delay(afterFailures: item.attempt - 1) ?? .zero
            Task { [self] in
                try? await Task.sleep(for: delay)
                var again = item
                again.delivery.duplicate = true
                again.attempt += 1
                if case .terminated = continuation.yield(again) { await republish(item) }
            }
            return
        }
        item.countdown.settle()
    }

    /// The consumer stopped before a requeued message's next attempt: publish
    /// it again for whoever consumes the topic next, then settle it.
    private func republish(_ item: Item) async {
        do {
            try await transport?.publish(topic: topic, body: Data(item.delivery.payload))
        } catch {
            transport?.logger.warning(
                "MQTT requeue failed: message dropped",
                metadata: [
                    "topic": "\(topic)", "error": "\(error)",
                ])
        }
        item.countdown.settle()
    }
}

/// The handle `consume` returns.
struct MQTTConsumerHandle: ConsumerHandle {
    let transport: MQTTTransport
    let consumer: MQTTConsumer

    func cancel() async { await transport.cancel(consumer) }
}

/// Sends one PUBACK once every consumer of a topic in this process settled a delivery.
final class MQTTSettlementCountdown: Sendable {
    private let remaining: LockedState<Int>
    private let completion: @Sendable () -> Void

    init(count: Int, completion: @escaping @Sendable () -> Void) {
        remaining = LockedState(count)
        self.completion = completion
    }

    func settle() {
        let done = remaining.withLock { count -> Bool in
            count -= 1
            return count == 0
        }
        if done { completion() }
    }
}
