import Foundation
import Logging
import MsgFlo

/// Owns the publishing connection: channel 1 in confirm mode, many publishes
/// on the wire at once, each caller resumed by the broker's ack for its
/// delivery tag. Unconfirmed publishes survive a connection loss and are sent
/// again on the next connection until their deadline.
/// Unchecked Sendable: its state, like its base class's, is confined to the connection's thread.
final class AMQPPublisherThread: AMQPConnectionThread, @unchecked Sendable {
    typealias Reply = AMQPPublishReply

    static let publishChannel: UInt16 = 1
    private var ledger = AMQPPublishLedger<AMQPOutgoing, Reply>()
    /// `basic.return`s read since the last ack; that ack settles their publishes.
    private var returns: [AMQPReturn] = []
    private let maxInFlight: Int

    init(settings: AMQPConnectionSettings, declarations: AMQPDeclarationLog, logger: Logger, maxInFlight: Int) {
        self.maxInFlight = max(1, maxInFlight)
        super.init(settings: settings, declarations: declarations, logger: logger)
    }

    /// When a nack last made the connection start over.
    private var lastNackReconnect: ContinuousClock.Instant?
    static let nackReconnectInterval: Duration = .seconds(5)

    override func setUp(_ connection: AMQPConnection) throws(AMQPFailure) {
        try connection.openChannel(Self.publishChannel)
        try connection.confirmSelect(Self.publishChannel)
        ledger.channelReopened()
        returns = []
    }

    override func handle(_ command: AMQPCommand, connection: AMQPConnection?) throws(AMQPFailure) {
        switch command {
        case .publish(let messages, let deadline, let reply):
            if stopping {
                reply.resume(throwing: TransportError.amqpClosed(settings.url, "the publish was sent (disconnecting)"))
            } else {
                let waiter = AMQPPublishReply(count: messages.count, continuation: reply)
                for message in messages { ledger.enqueue(message, token: waiter, deadline: deadline) }
            }
        case .startConsumer(_, let reply):
            reply.resume(throwing: TransportError(.protocolError, "internal error: consumer sent to the publishing connection"))
        case .stopConsumer(_, let reply):
            reply.resume()
        default:
            break
        }
    }

    override func pump(_ connection: AMQPConnection) throws(AMQPFailure) -> Bool {
        var read = 0
        while read < 1024, let frame = try connection.nextFrame() {
            read += 1
            switch frame {
            case .returned(let returned):
                returns.append(returned)
            case .ack(let tag, let multiple):
                let settled = ledger.settleEntries(tag: tag, multiple: multiple)
                let matched = AMQPReturn.match(&returns, to: settled.map(\.message))
                for (entry, returned) in zip(settled, matched) {
                    if let returned {
                        entry.token.resume(throwing: unroutable(entry.message, returned))
                    } else {
                        entry.token.resume()
                    }
                }
            case .nack(let tag, let multiple):
                returns = []
                for reply in ledger.settle(tag: tag, multiple: multiple) {
                    reply.resume(
                        throwing: TransportError(
                            .publishRejected,
                            "\(settings.url) could not take the message (basic.nack: a full queue with overflow reject-publish, or a broker error); try again later",
                            url: settings.url.description))
                }
                // A channel that registered with a quorum queue's leader while
                // that leader's node was stopping can stay refused after a new
                // leader is elected (seen on RabbitMQ 3.10): every later publish
                // on it is nacked. A new connection (the next node of a cluster
                // URL) registers afresh; at most every 5 s, since a queue that is
                // full with overflow reject-publish also nacks.
                let now = ContinuousClock.now
                if lastNackReconnect.map({ now - $0 > Self.nackReconnectInterval }) ?? true {
                    lastNackReconnect = now
                    throw .connection("the broker refused a publish (basic.nack); reconnecting for a fresh channel")
                }
            case .channelClosed(let channel, let code, let text) where channel == Self.publishChannel:
                // Acks arrive in order, so the oldest unconfirmed publish caused it.
                if let culprit = ledger.inFlight.first {
                    _ = ledger.settle(tag: culprit.tag, multiple: false)
                    let message = culprit.entry.message
                    let target = message.exchange.isEmpty ? "queue '\(message.routingKey)'" : "exchange '\(message.exchange)'"
                    culprit.entry.token.resume(
                        throwing: AMQPReplyCode.error(
                            code, text: text, doing: "publish to \(target)", url: settings.url,
                            queue: message.exchange.isEmpty ? message.routingKey : message.exchange))
                }
                try setUp(connection)
            case .channelClosed(_, _, let text):
                logger.warning("broker closed a channel: \(text)")
                try connection.openChannel(Self.topologyChannel)
            default:
                break
            }
        }
        // Send after reading, so a window freed by these acks is used at once.
        var sent = 0
        while ledger.inFlight.count < maxInFlight, sent < 256, let (_, message) = ledger.sendNext() {
            try connection.publish(channel: Self.publishChannel, message)
            sent += 1
        }
        let canSendMore = !ledger.queued.isEmpty && ledger.inFlight.count < maxInFlight
        return canSendMore || read == 1024
    }

    /// A returned publish's failure (`.unroutable` for NO_ROUTE).
    private func unroutable(_ message: AMQPOutgoing, _ returned: AMQPReturn) -> TransportError {
        let target = message.exchange.isEmpty ? "queue '\(message.routingKey)'" : "exchange '\(message.exchange)'"
        return AMQPReplyCode.error(
            returned.code, text: returned.text, doing: "route a message published to \(target)", url: settings.url,
            queue: message.exchange.isEmpty ? message.routingKey : message.exchange)
    }

    override func tick(now: ContinuousClock.Instant) {
        guard let deadline = ledger.nextDeadline, deadline <= now else { return }
        let expired = ledger.expire(now: now)
        for reply in expired {
            reply.resume(
                throwing: TransportError(
                    .publishTimeout,
                    "no confirm from \(settings.url) in time; the message may not have been delivered (broker unreachable, or blocking publishers on a memory or disk alarm)",
                    url: settings.url.description))
        }
        if !expired.isEmpty { logger.error("\(expired.count) publish(es) timed out waiting for \(settings.url)") }
    }

    override var nextDeadline: ContinuousClock.Instant? { ledger.nextDeadline }

    override func connectionLost() {
        ledger.channelReopened()
        returns = []
    }

    override var readyToClose: Bool { ledger.isEmpty }

    override func finish() {
        for reply in ledger.drain() {
            reply.resume(throwing: TransportError.amqpClosed(settings.url, "the broker confirmed the message"))
        }
    }
}
