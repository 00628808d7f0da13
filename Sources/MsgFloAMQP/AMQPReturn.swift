/// A `basic.return`: the broker could not route a `mandatory` publish.
///
/// RabbitMQ sends it just before the `basic.ack` that settles the same
/// publish, and names the exchange and routing key but no delivery tag, so
/// the publisher thread holds the returns it read until an ack settles their
/// publishes and then pairs them (`match`). Acks may come out of publish
/// order (a routed persistent publish waits for its queue, an unroutable one
/// does not), so a return stays held until an ack settles its publish.
struct AMQPReturn: Hashable, Sendable {
    var exchange: String
    var routingKey: String
    var code: Int
    var text: String

    /// For each settled publish (ascending delivery tags), the return that
    /// belongs to it, or nil when it was delivered; the paired returns are
    /// taken out of `returns`, the others (of publishes not settled yet) stay.
    /// Returns come in publish order and belong to the newest publishes of the
    /// ack, so both lists are walked from the end, pairing a return with a
    /// `mandatory` publish to the same exchange and routing key.
    static func match(_ returns: inout [AMQPReturn], to settled: [AMQPOutgoing]) -> [AMQPReturn?] {
        var result = [AMQPReturn?](repeating: nil, count: settled.count)
        var next = returns.count - 1
        var index = settled.count - 1
        while next >= 0, index >= 0 {
            let message = settled[index]
            let returned = returns[next]
            if message.mandatory, message.exchange == returned.exchange, message.routingKey == returned.routingKey {
                result[index] = returned
                next -= 1
            }
            index -= 1
        }
        returns.removeSubrange((next + 1)...)
        return result
    }
}
