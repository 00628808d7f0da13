import CRabbitMQ
import Foundation
import MsgFlo

/// Method ids of AMQP 0-9-1 (rabbitmq-c defines them as cast macros, which Swift does not import).
enum AMQPMethod {
    static let connectionClose: amqp_method_number_t = 0x000A_0032
    static let connectionCloseOK: amqp_method_number_t = 0x000A_0033
    static let channelClose: amqp_method_number_t = 0x0014_0028
    static let channelCloseOK: amqp_method_number_t = 0x0014_0029
    static let basicCancel: amqp_method_number_t = 0x003C_001E
    static let basicAck: amqp_method_number_t = 0x003C_0050
    static let basicNack: amqp_method_number_t = 0x003C_0078
    static let basicReturn: amqp_method_number_t = 0x003C_0032
}

/// A frame other than a delivery, as the connection threads act on it.
enum AMQPInboundFrame {
    case ack(tag: UInt64, multiple: Bool)
    case nack(tag: UInt64, multiple: Bool)
    /// The broker cancelled a consumer (its queue was deleted).
    case consumerCancelled(channel: UInt16)
    case channelClosed(channel: UInt16, code: Int, text: String)
    /// A `mandatory` publish no queue took (`basic.return`); its ack follows.
    /// Its content frames come next and are read as `.other`.
    case returned(AMQPReturn)
    case other
}

/// A message copied out of rabbitmq-c's buffers.
struct AMQPDelivery {
    var channel: UInt16
    var deliveryTag: UInt64
    var redelivered: Bool
    var body: Data
    /// The `timestamp` property, when the publisher set one.
    var timestamp: Date?
    /// The `x-msgflo-deliveries` header (0 when absent or not a whole number ≥ 0).
    var deliveries = 0
}
