import Foundation

extension Participant {
    /// A message the broker redelivered: its previous delivery ended without
    /// a settlement, so the process handling it died (a crash, an OOM kill, a
    /// lost connection). AMQP's `redelivered` says only that, not how often,
    /// so the count travels in the message itself: it is published again to
    /// its queue with the count one higher (`PublishOptions.deliveries`) and
    /// this delivery acked, without running the handler. Past `limit` the
    /// message goes to `error` with code `worker_crashed` and is rejected (to
    /// `dead-<queue>`): an input that kills every worker that takes it ends
    /// instead of taking the role's workers down one after the other forever.
    func countUnsettledDelivery(
        _ message: IncomingMessage, inport: String, limit: Int, transport: any OptionsPublishing, latch: StopLatch
    ) async -> Settlement {
        let deliveries = message.deliveries < Int(Int32.max) ? message.deliveries + 1 : message.deliveries
        if deliveries > limit {
            return await reject(
                message, inport: inport, code: "worker_crashed",
                error: "its handling ended without a result \(deliveries) times (the process handling it exited or lost its connection each time); "
                    + "given up after MSGFLO_DELIVERY_LIMIT=\(limit)")
        }
        do {
            try await transport.publish(queue: message.queue, body: message.body, options: PublishOptions(deliveries: deliveries))
            logger.warning(
                "message redelivered after its handling ended without a result; queued again with its count",
                metadata: ["inport": "\(inport)", "deliveries": "\(deliveries)", "limit": "\(limit)"])
            return .ack
        } catch {
            logger.warning(
                "could not queue a redelivered message again with its count; requeued",
                metadata: ["inport": "\(inport)", "error": "\(error)"])
            await latch.sleep(for: .seconds(1))
            return .requeue
        }
    }

    /// Gives a message back for a later delivery on purpose (a transient
    /// failure's retry, a shutdown): published again with its count unchanged
    /// and acked, so the broker does not mark it `redelivered` and the next
    /// consumer does not count a crash that never happened. Falls back to a
    /// plain requeue when the count is not kept or the publish fails.
    func giveBack(_ message: IncomingMessage) async -> Settlement {
        guard configuration.deliveryLimit != nil, let transport = transport as? any OptionsPublishing else { return .requeue }
        do {
            try await transport.publish(queue: message.queue, body: message.body, options: PublishOptions(deliveries: message.deliveries))
            return .ack
        } catch {
            return .requeue
        }
    }
}
