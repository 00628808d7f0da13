import Foundation
import Logging
import MsgFlo
import Primitives

/// Owns the consuming connection: one channel per consumer (so `basic.qos`
/// bounds each consumer on its own), deliveries handed to async handlers off
/// this thread, and their settlements sent back on the channel and connection
/// generation that delivered them. After a reconnect every consumer resumes.
/// Unchecked Sendable: its state, like its base class's, is confined to the connection's thread.
final class AMQPConsumerThread: AMQPConnectionThread, @unchecked Sendable {
    private struct Consumer {
        var spec: AMQPConsumerSpec
        var channel: UInt16?
        var channelEpoch = 0
        var consuming = false
        var inFlight = 0
        var cancelled = false
        var retryAt: ContinuousClock.Instant?
        /// The `consume()` caller, answered by the first subscription attempt on a live connection.
        var firstReply: CheckedContinuation<Void, any Error>?
    }

    private var consumers: [Int: Consumer] = [:]
    private var channelOwners: [UInt16: Int] = [:]
    private let shutdownGrace: Duration
    private var drainDeadline: ContinuousClock.Instant?

    init(settings: AMQPConnectionSettings, declarations: AMQPDeclarationLog, logger: Logger, shutdownGrace: Duration) {
        self.shutdownGrace = shutdownGrace
        super.init(settings: settings, declarations: declarations, logger: logger)
    }

    override func setUp(_ connection: AMQPConnection) throws(AMQPFailure) {
        consumers = consumers.filter { !$0.value.cancelled }
        for id in consumers.keys.sorted() {
            try start(id, on: connection)
        }
    }

    /// Opens (or reuses) the consumer's channel and subscribes. A refusal
    /// (missing queue) fails a new consumer's `consume()` call, and makes an
    /// established consumer retry instead of failing the connection.
    private func start(_ id: Int, on connection: AMQPConnection) throws(AMQPFailure) {
        guard var consumer = consumers[id] else { return }
        do throws(AMQPFailure) {
            if consumer.channel == nil {
                let channel = freeChannel()
                try connection.openChannel(channel)
                consumer.channel = channel
                consumer.channelEpoch += 1
                channelOwners[channel] = id
                try connection.qos(channel: channel, prefetch: consumer.spec.prefetch)
            }
            if let tap = consumer.spec.tap {
                // A fresh queue on every (re)start: the old one went with its channel or connection.
                try connection.requireExchange(tap.exchange, channel: consumer.channel!)
                consumer.spec.queue = try connection.declareTapQueue(channel: consumer.channel!, maxLength: tap.backlog)
                try connection.perform(
                    .bindQueue(queue: consumer.spec.queue, exchange: tap.exchange, routingKey: ""),
                    channel: consumer.channel!)
            }
            try connection.consume(
                channel: consumer.channel!, queue: consumer.spec.queue, consumerTag: "msgflo-\(id)",
                noAck: consumer.spec.tap != nil)
            consumer.consuming = true
            consumer.retryAt = nil
            consumer.firstReply?.resume()
            consumer.firstReply = nil
            consumers[id] = consumer
        } catch .channel(let code, let text) {
            if let channel = consumer.channel { channelOwners[channel] = nil }
            if let reply = consumer.firstReply {
                consumers[id] = nil
                reply.resume(
                    throwing: AMQPReplyCode.error(
                        code, text: text, doing: "consume queue '\(consumer.spec.queue)'",
                        url: settings.url, queue: consumer.spec.queue))
                return
            }
            consumer.channel = nil
            consumer.consuming = false
            consumer.inFlight = 0
            consumer.retryAt = .now + .seconds(2)
            consumers[id] = consumer
            logger.warning("cannot consume queue '\(consumer.spec.queue)' (code \(code)): \(text); retrying in 2 s")
        }
    }

    private func freeChannel() -> UInt16 {
        var channel: UInt16 = Self.topologyChannel + 1
        while channelOwners[channel] != nil { channel += 1 }
        return channel
    }

    override func handle(_ command: AMQPCommand, connection: AMQPConnection?) throws(AMQPFailure) {
        switch command {
        case .startConsumer(let spec, let reply):
            if stopping {
                reply.resume(throwing: TransportError.amqpClosed(settings.url, "consuming started (disconnecting)"))
                return
            }
            consumers[spec.id] = Consumer(spec: spec, firstReply: reply)
            // While disconnected, setUp subscribes (and answers) once connected.
            if let connection { try start(spec.id, on: connection) }
        case .stopConsumer(let id, let reply):
            defer { reply.resume() }
            guard var consumer = consumers[id] else { return }
            consumer.cancelled = true
            consumers[id] = consumer
            if let connection, let channel = consumer.channel, consumer.consuming {
                try ignoringChannelErrors { () throws(AMQPFailure) in
                    try connection.cancel(channel: channel, consumerTag: "msgflo-\(id)")
                }
            }
            try closeIfDone(id, connection: connection)
        case .settle(let ticket, let settlement):
            guard var consumer = consumers[ticket.consumerID] else { return }
            guard ticket.generation == generation, let connection, consumer.channel == ticket.channel,
                consumer.channelEpoch == ticket.channelEpoch
            else {
                logger.debug("dropping a settlement from an old connection; the broker redelivers that message")
                return
            }
            consumer.inFlight -= 1
            consumers[ticket.consumerID] = consumer
            try connection.settle(channel: ticket.channel, deliveryTag: ticket.deliveryTag, settlement)
            try closeIfDone(ticket.consumerID, connection: connection)
        case .publish(_, _, let reply):
            reply.resume(throwing: TransportError(.protocolError, "internal error: publish sent to the consuming connection"))
        default:
            break
        }
    }

    /// A cancelled consumer's channel closes once its last delivery is settled.
    private func closeIfDone(_ id: Int, connection: AMQPConnection?) throws(AMQPFailure) {
        guard let consumer = consumers[id], consumer.cancelled, consumer.inFlight <= 0 else { return }
        consumers[id] = nil
        consumer.firstReply?.resume(throwing: TransportError.amqpClosed(settings.url, "consuming started"))
        if let channel = consumer.channel {
            channelOwners[channel] = nil
            if let connection {
                try ignoringChannelErrors { () throws(AMQPFailure) in try connection.closeChannel(channel) }
            }
        }
    }

    private func ignoringChannelErrors(_ body: () throws(AMQPFailure) -> Void) throws(AMQPFailure) {
        do throws(AMQPFailure) { try body() } catch .channel { return }
    }

    override func pump(_ connection: AMQPConnection) throws(AMQPFailure) -> Bool {
        if !stopping { try restartDue(on: connection) }
        var read = 0
        while read < 256 {
            switch try connection.nextDelivery() {
            case .nothing:
                return false
            case .delivery(let delivery):
                read += 1
                try deliver(delivery, on: connection)
            case .frame(.consumerCancelled(let channel)):
                read += 1
                if let id = channelOwners[channel], var consumer = consumers[id], !consumer.cancelled {
                    logger.warning("broker cancelled the consumer of queue '\(consumer.spec.queue)' (queue deleted?); resubscribing")
                    consumer.consuming = false
                    consumer.retryAt = .now + .seconds(1)
                    consumers[id] = consumer
                }
            case .frame(.channelClosed(let channel, let code, let text)):
                read += 1
                if let id = channelOwners[channel], var consumer = consumers[id] {
                    channelOwners[channel] = nil
                    consumer.channel = nil
                    consumer.consuming = false
                    consumer.inFlight = 0
                    consumer.retryAt = .now + .seconds(2)
                    consumers[id] = consumer
                    logger.warning("broker closed the channel of queue '\(consumer.spec.queue)' (code \(code)): \(text); resubscribing")
                    try closeIfDone(id, connection: nil)
                } else if channel == Self.topologyChannel {
                    try connection.openChannel(Self.topologyChannel)
                }
            case .frame:
                read += 1
            }
        }
        return true
    }

    private func deliver(_ delivery: AMQPDelivery, on connection: AMQPConnection) throws(AMQPFailure) {
        guard let id = channelOwners[delivery.channel] else {
            // Its channel is already closed (the broker requeued it); using it would kill the connection.
            return
        }
        guard var consumer = consumers[id], !consumer.cancelled else {
            // Arrived for a consumer being cancelled: give it back for another consumer
            // (a watcher's copy was never the broker's to give back: it is dropped).
            if consumers[id]?.spec.tap == nil {
                try connection.settle(channel: delivery.channel, deliveryTag: delivery.deliveryTag, .requeue)
            }
            return
        }
        if let tap = consumer.spec.tap {
            // A watcher's copy, delivered without acknowledgement: handed on here, nothing to settle.
            tap.handler(
                IncomingMessage(
                    queue: consumer.spec.queue, body: delivery.body, redelivered: delivery.redelivered,
                    timestamp: delivery.timestamp))
            return
        }
        consumer.inFlight += 1
        consumers[id] = consumer
        let ticket = AMQPDeliveryTicket(
            generation: generation, consumerID: id, channelEpoch: consumer.channelEpoch,
            channel: delivery.channel, deliveryTag: delivery.deliveryTag)
        let message = IncomingMessage(
            queue: consumer.spec.queue, body: delivery.body, redelivered: delivery.redelivered,
            timestamp: delivery.timestamp, deliveries: delivery.deliveries)
        let handler = consumer.spec.handler
        let inbox = self.inbox
        Task {
            let settlement = await handler(message)
            inbox.post(.settle(ticket, settlement))
        }
    }

    private func restartDue(on connection: AMQPConnection) throws(AMQPFailure) {
        let now = ContinuousClock.now
        let due = consumers.filter { !$0.value.cancelled && !$0.value.consuming && ($0.value.retryAt ?? now) <= now }
        guard !due.isEmpty else { return }
        try restoreDeclarations(connection)
        for id in due.keys.sorted() { try start(id, on: connection) }
    }

    override func tick(now: ContinuousClock.Instant) {
        guard stopping, drainDeadline == nil else { return }
        drainDeadline = now + shutdownGrace
        guard let connection else { return }
        for (id, consumer) in consumers {
            consumers[id]?.cancelled = true
            if consumer.consuming, let channel = consumer.channel {
                _ = try? connection.cancel(channel: channel, consumerTag: "msgflo-\(id)")
            }
        }
    }

    override var nextDeadline: ContinuousClock.Instant? {
        let retries = consumers.values.compactMap { $0.consuming ? nil : $0.retryAt }
        return (retries + [drainDeadline].compactMap { $0 }).min()
    }

    override var readyToClose: Bool {
        consumers.values.allSatisfy { $0.inFlight <= 0 } || (drainDeadline.map { $0 <= .now } ?? false)
    }

    override func connectionLost() {
        channelOwners = [:]
        for id in consumers.keys {
            consumers[id]?.channel = nil
            consumers[id]?.consuming = false
            consumers[id]?.inFlight = 0
        }
    }

    override func finish() {
        for consumer in consumers.values {
            consumer.firstReply?.resume(throwing: TransportError.amqpClosed(settings.url, "consuming started"))
        }
        consumers = [:]
    }
}
