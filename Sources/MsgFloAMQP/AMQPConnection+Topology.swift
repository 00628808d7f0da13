import CRabbitMQ
import Foundation
import MsgFlo

extension AMQPConnection {
    // MARK: Topology

    func perform(_ operation: AMQPOperation, channel: UInt16) throws(AMQPFailure) {
        let strings = AMQPCStrings()
        defer { withExtendedLifetime(strings) {} }
        switch operation {
        case .declareExchange(let name, let type, let durable, let autoDelete):
            amqp_exchange_declare(
                state, channel, strings.bytes(name), strings.bytes(type), 0,
                durable ? 1 : 0, autoDelete ? 1 : 0, 0, amqp_empty_table)
        case .declareQueue(let name, let durable, let autoDelete, let deadLetterExchange, let type):
            var entries: [amqp_table_entry_t] = []
            if let type = type?.declarationArgument {
                var entry = amqp_table_entry_t()
                entry.key = strings.bytes("x-queue-type")
                entry.value.kind = UInt8(AMQP_FIELD_KIND_UTF8.rawValue)
                entry.value.value.bytes = strings.bytes(type)
                entries.append(entry)
            }
            if let deadLetterExchange {
                var entry = amqp_table_entry_t()
                entry.key = strings.bytes("x-dead-letter-exchange")
                entry.value.kind = UInt8(AMQP_FIELD_KIND_UTF8.rawValue)
                entry.value.value.bytes = strings.bytes(deadLetterExchange)
                entries.append(entry)
            }
            entries.withUnsafeMutableBufferPointer { buffer in
                let table = amqp_table_t(num_entries: Int32(buffer.count), entries: buffer.baseAddress)
                _ = amqp_queue_declare(
                    state, channel, strings.bytes(name), 0, durable ? 1 : 0, 0,
                    autoDelete ? 1 : 0, table)
            }
        case .bindQueue(let queue, let exchange, let routingKey):
            amqp_queue_bind(
                state, channel, strings.bytes(queue), strings.bytes(exchange),
                strings.bytes(routingKey), amqp_empty_table)
        case .unbindQueue(let queue, let exchange, let routingKey):
            amqp_queue_unbind(
                state, channel, strings.bytes(queue), strings.bytes(exchange),
                strings.bytes(routingKey), amqp_empty_table)
        case .bindExchange(let destination, let source, let routingKey):
            amqp_exchange_bind(
                state, channel, strings.bytes(destination), strings.bytes(source),
                strings.bytes(routingKey), amqp_empty_table)
        case .unbindExchange(let destination, let source, let routingKey):
            amqp_exchange_unbind(
                state, channel, strings.bytes(destination), strings.bytes(source),
                strings.bytes(routingKey), amqp_empty_table)
        case .deleteQueue(let name):
            amqp_queue_delete(state, channel, strings.bytes(name), 0, 0)
        case .deleteExchange(let name):
            amqp_exchange_delete(state, channel, strings.bytes(name), 0)
        }
        try check(amqp_get_rpc_reply(state), channel: channel)
    }

    /// Fails (404, closing the channel) when the exchange does not exist; checked
    /// before a watcher's queue is made, so a missing exchange leaks no queue.
    func requireExchange(_ name: String, channel: UInt16) throws(AMQPFailure) {
        let strings = AMQPCStrings()
        defer { withExtendedLifetime(strings) {} }
        amqp_exchange_declare(state, channel, strings.bytes(name), strings.bytes("fanout"), 1, 0, 0, 0, amqp_empty_table)
        try check(amqp_get_rpc_reply(state), channel: channel)
    }

    /// Declares a watcher's queue: server-named, exclusive to this connection,
    /// auto-delete, not durable, holding at most `maxLength` messages (the
    /// oldest dropped); returns the name the broker gave it.
    func declareTapQueue(channel: UInt16, maxLength: Int) throws(AMQPFailure) -> String {
        let strings = AMQPCStrings()
        defer { withExtendedLifetime(strings) {} }
        var entry = amqp_table_entry_t()
        entry.key = strings.bytes("x-max-length")
        entry.value.kind = UInt8(AMQP_FIELD_KIND_I64.rawValue)
        entry.value.value.i64 = Int64(max(1, maxLength))
        var entries = [entry]
        let ok = entries.withUnsafeMutableBufferPointer { buffer in
            amqp_queue_declare(
                state, channel, amqp_empty_bytes, 0, 0, 1, 1,
                amqp_table_t(num_entries: Int32(buffer.count), entries: buffer.baseAddress))
        }
        try check(amqp_get_rpc_reply(state), channel: channel)
        guard let ok else { throw .connection("queue.declare-ok without a queue name") }
        return Self.text(ok.pointee.queue)
    }
}
