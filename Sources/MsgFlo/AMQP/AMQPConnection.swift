import CRabbitMQ
import CRabbitMQShim
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Method ids of AMQP 0-9-1 (rabbitmq-c defines them as cast macros, which Swift does not import).
enum AMQPMethod {
    static let connectionClose: amqp_method_number_t = 0x000A_0032
    static let connectionCloseOK: amqp_method_number_t = 0x000A_0033
    static let channelClose: amqp_method_number_t = 0x0014_0028
    static let channelCloseOK: amqp_method_number_t = 0x0014_0029
    static let basicCancel: amqp_method_number_t = 0x003C_001E
    static let basicAck: amqp_method_number_t = 0x003C_0050
    static let basicNack: amqp_method_number_t = 0x003C_0078
}

/// A frame other than a delivery, as the connection threads act on it.
enum AMQPInboundFrame {
    case ack(tag: UInt64, multiple: Bool)
    case nack(tag: UInt64, multiple: Bool)
    /// The broker cancelled a consumer (its queue was deleted).
    case consumerCancelled(channel: UInt16)
    case channelClosed(channel: UInt16, code: Int, text: String)
    case other
}

/// A message copied out of rabbitmq-c's buffers.
struct AMQPDelivery {
    var channel: UInt16
    var deliveryTag: UInt64
    var redelivered: Bool
    var body: Data
}

/// One rabbitmq-c connection. Not thread-safe by design: exactly one thread
/// (its `AMQPConnectionThread`) creates, uses and closes it.
final class AMQPConnection {
    let state: amqp_connection_state_t
    private var closed = false

    /// Opens the socket and logs in; throws a `.connection` failure whose text
    /// says why (connection refused, ACCESS_REFUSED, unknown host...).
    init(url: BrokerURL, heartbeat: Int, connectTimeout: Duration) throws(AMQPFailure) {
        guard let state = amqp_new_connection() else { throw .connection("out of memory") }
        self.state = state
        do {
            try open(url: url, heartbeat: heartbeat, connectTimeout: connectTimeout)
        } catch {
            amqp_destroy_connection(state)
            closed = true
            throw error
        }
    }

    private func open(url: BrokerURL, heartbeat: Int, connectTimeout: Duration) throws(AMQPFailure) {
        let socket: OpaquePointer?
        if url.scheme.usesTLS {
            socket = amqp_ssl_socket_new(state)
            if let socket {
                if url.query["verify"] == "false" {
                    amqp_ssl_socket_set_verify_peer(socket, 0)
                    amqp_ssl_socket_set_verify_hostname(socket, 0)
                }
                if let cacert = url.query["cacertfile"], amqp_ssl_socket_set_cacert(socket, cacert) != 0 {
                    throw .connection("cannot read CA certificate file \(cacert)")
                }
            }
        } else {
            socket = amqp_tcp_socket_new(state)
        }
        guard let socket else { throw .connection("cannot create a socket") }

        var timeout = timeval(tv_sec: Int(connectTimeout.components.seconds), tv_usec: 0)
        let status = amqp_socket_open_noblock(socket, url.host, Int32(url.port), &timeout)
        if status != AMQP_STATUS_OK.rawValue {
            var reason = String(cString: amqp_error_string2(status))
            if status == AMQP_STATUS_SOCKET_ERROR.rawValue || status == AMQP_STATUS_HOSTNAME_RESOLUTION_FAILED.rawValue,
               let diagnosis = AMQPSocketDiagnosis.reason(host: url.host, port: url.port, timeout: connectTimeout) {
                reason = diagnosis
            }
            throw .connection(reason)
        }
        var handshake = timeval(tv_sec: Int(connectTimeout.components.seconds), tv_usec: 0)
        amqp_set_handshake_timeout(state, &handshake)
        let reply = msgflo_amqp_login_plain(state, url.vhost, 0, 131_072, Int32(heartbeat),
                                            url.user ?? "guest", url.password ?? "guest")
        try check(reply, channel: 0)
        // Heartbeats bound every wait; this also bounds them when heartbeats are off.
        var rpcTimeout = timeval(tv_sec: 30, tv_usec: 0)
        amqp_set_rpc_timeout(state, &rpcTimeout)
    }

    /// Closes gracefully when possible, then frees everything.
    func close() {
        guard !closed else { return }
        closed = true
        _ = amqp_connection_close(state, AMQP_REPLY_SUCCESS)
        amqp_destroy_connection(state)
    }

    /// Frees the connection without talking to the broker (it is already gone).
    func abandon() {
        guard !closed else { return }
        closed = true
        amqp_destroy_connection(state)
    }

    deinit { abandon() }

    // MARK: Channels

    func openChannel(_ channel: UInt16) throws(AMQPFailure) {
        amqp_channel_open(state, channel)
        try check(amqp_get_rpc_reply(state), channel: channel)
    }

    func closeChannel(_ channel: UInt16) throws(AMQPFailure) {
        try check(amqp_channel_close(state, channel, AMQP_REPLY_SUCCESS), channel: channel)
    }

    func confirmSelect(_ channel: UInt16) throws(AMQPFailure) {
        amqp_confirm_select(state, channel)
        try check(amqp_get_rpc_reply(state), channel: channel)
    }

    // MARK: Topology

    func perform(_ operation: AMQPOperation, channel: UInt16) throws(AMQPFailure) {
        let strings = AMQPCStrings()
        defer { withExtendedLifetime(strings) {} }
        switch operation {
        case let .declareExchange(name, type, durable, autoDelete):
            amqp_exchange_declare(state, channel, strings.bytes(name), strings.bytes(type), 0,
                                  durable ? 1 : 0, autoDelete ? 1 : 0, 0, amqp_empty_table)
        case let .declareQueue(name, durable, autoDelete, deadLetterExchange):
            var entries: [amqp_table_entry_t] = []
            if let deadLetterExchange {
                var entry = amqp_table_entry_t()
                entry.key = strings.bytes("x-dead-letter-exchange")
                entry.value.kind = UInt8(AMQP_FIELD_KIND_UTF8.rawValue)
                entry.value.value.bytes = strings.bytes(deadLetterExchange)
                entries.append(entry)
            }
            entries.withUnsafeMutableBufferPointer { buffer in
                let table = amqp_table_t(num_entries: Int32(buffer.count), entries: buffer.baseAddress)
                _ = amqp_queue_declare(state, channel, strings.bytes(name), 0, durable ? 1 : 0, 0,
                                       autoDelete ? 1 : 0, table)
            }
        case let .bindQueue(queue, exchange, routingKey):
            amqp_queue_bind(state, channel, strings.bytes(queue), strings.bytes(exchange),
                            strings.bytes(routingKey), amqp_empty_table)
        case let .unbindQueue(queue, exchange, routingKey):
            amqp_queue_unbind(state, channel, strings.bytes(queue), strings.bytes(exchange),
                              strings.bytes(routingKey), amqp_empty_table)
        case let .bindExchange(destination, source, routingKey):
            amqp_exchange_bind(state, channel, strings.bytes(destination), strings.bytes(source),
                               strings.bytes(routingKey), amqp_empty_table)
        case let .unbindExchange(destination, source, routingKey):
            amqp_exchange_unbind(state, channel, strings.bytes(destination), strings.bytes(source),
                                 strings.bytes(routingKey), amqp_empty_table)
        case let .deleteQueue(name):
            amqp_queue_delete(state, channel, strings.bytes(name), 0, 0)
        case let .deleteExchange(name):
            amqp_exchange_delete(state, channel, strings.bytes(name), 0)
        }
        try check(amqp_get_rpc_reply(state), channel: channel)
    }

    // MARK: Publishing

    /// Sends one persistent JSON message; the confirm arrives later as a frame.
    func publish(channel: UInt16, exchange: String, routingKey: String, body: Data) throws(AMQPFailure) {
        let strings = AMQPCStrings()
        defer { withExtendedLifetime(strings) {} }
        var properties = amqp_basic_properties_t()
        properties._flags = amqp_flags_t(AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG)
        properties.content_type = strings.bytes("application/json")
        properties.delivery_mode = 2
        let status = body.withUnsafeBytes { raw in
            let bytes = amqp_bytes_t(len: raw.count, bytes: UnsafeMutableRawPointer(mutating: raw.baseAddress))
            return amqp_basic_publish(state, channel, strings.bytes(exchange), strings.bytes(routingKey),
                                      0, 0, &properties, bytes)
        }
        if status != AMQP_STATUS_OK.rawValue {
            throw .connection("publish failed: \(String(cString: amqp_error_string2(status)))")
        }
    }

    // MARK: Consuming

    func qos(channel: UInt16, prefetch: Int) throws(AMQPFailure) {
        amqp_basic_qos(state, channel, 0, UInt16(clamping: prefetch), 0)
        try check(amqp_get_rpc_reply(state), channel: channel)
    }

    func consume(channel: UInt16, queue: String, consumerTag: String) throws(AMQPFailure) {
        let strings = AMQPCStrings()
        defer { withExtendedLifetime(strings) {} }
        amqp_basic_consume(state, channel, strings.bytes(queue), strings.bytes(consumerTag), 0, 0, 0, amqp_empty_table)
        try check(amqp_get_rpc_reply(state), channel: channel)
    }

    func cancel(channel: UInt16, consumerTag: String) throws(AMQPFailure) {
        let strings = AMQPCStrings()
        defer { withExtendedLifetime(strings) {} }
        amqp_basic_cancel(state, channel, strings.bytes(consumerTag))
        try check(amqp_get_rpc_reply(state), channel: channel)
    }

    func settle(channel: UInt16, deliveryTag: UInt64, _ settlement: Settlement) throws(AMQPFailure) {
        let status: Int32 = switch settlement {
        case .ack: amqp_basic_ack(state, channel, deliveryTag, 0)
        case .reject: amqp_basic_nack(state, channel, deliveryTag, 0, 0)
        case .requeue: amqp_basic_nack(state, channel, deliveryTag, 0, 1)
        }
        if status != AMQP_STATUS_OK.rawValue {
            throw .connection("settle failed: \(String(cString: amqp_error_string2(status)))")
        }
    }

    // MARK: Reading

    /// Whether rabbitmq-c holds input that a poll on the socket would not show.
    var hasBufferedInput: Bool { amqp_frames_enqueued(state) != 0 || amqp_data_in_buffer(state) != 0 }

    var socketDescriptor: Int32 { amqp_get_sockfd(state) }

    /// Reads one frame without blocking (this also sends a heartbeat when one is due).
    func nextFrame() throws(AMQPFailure) -> AMQPInboundFrame? {
        // Frames live in the connection's pool until released; everything
        // from earlier frames has been copied out by now.
        amqp_maybe_release_buffers(state)
        var frame = amqp_frame_t()
        var zero = timeval(tv_sec: 0, tv_usec: 0)
        let status = amqp_simple_wait_frame_noblock(state, &frame, &zero)
        if status == AMQP_STATUS_TIMEOUT.rawValue { return nil }
        if status != AMQP_STATUS_OK.rawValue {
            throw .connection(String(cString: amqp_error_string2(status)))
        }
        return try interpret(frame)
    }

    /// Reads one delivery without blocking; a non-delivery frame comes back as `.frame`.
    enum ConsumeResult { case delivery(AMQPDelivery), frame(AMQPInboundFrame), nothing }

    func nextDelivery() throws(AMQPFailure) -> ConsumeResult {
        amqp_maybe_release_buffers(state)
        var envelope = amqp_envelope_t()
        var zero = timeval(tv_sec: 0, tv_usec: 0)
        let reply = amqp_consume_message(state, &envelope, &zero, 0)
        if reply.reply_type == AMQP_RESPONSE_NORMAL {
            defer { amqp_destroy_envelope(&envelope) }
            let body = envelope.message.body.len > 0 && envelope.message.body.bytes != nil
                ? Data(bytes: envelope.message.body.bytes, count: envelope.message.body.len) : Data()
            return .delivery(AMQPDelivery(channel: envelope.channel, deliveryTag: envelope.delivery_tag,
                                          redelivered: envelope.redelivered != 0, body: body))
        }
        if reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION {
            if reply.library_error == AMQP_STATUS_TIMEOUT.rawValue { return .nothing }
            if reply.library_error == AMQP_STATUS_UNEXPECTED_STATE.rawValue {
                var frame = amqp_frame_t()
                let status = amqp_simple_wait_frame(state, &frame)
                if status != AMQP_STATUS_OK.rawValue {
                    throw .connection(String(cString: amqp_error_string2(status)))
                }
                return .frame(try interpret(frame))
            }
            throw .connection(String(cString: amqp_error_string2(reply.library_error)))
        }
        throw .connection("unexpected reply while consuming")
    }

    private func interpret(_ frame: amqp_frame_t) throws(AMQPFailure) -> AMQPInboundFrame {
        guard frame.frame_type == UInt8(AMQP_FRAME_METHOD) else { return .other }
        let method = frame.payload.method
        switch method.id {
        case AMQPMethod.basicAck:
            let ack = method.decoded.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            return .ack(tag: ack.delivery_tag, multiple: ack.multiple != 0)
        case AMQPMethod.basicNack:
            let nack = method.decoded.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            return .nack(tag: nack.delivery_tag, multiple: nack.multiple != 0)
        case AMQPMethod.basicCancel:
            return .consumerCancelled(channel: frame.channel)
        case AMQPMethod.channelClose:
            let close = method.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            var ok = amqp_channel_close_ok_t(dummy: 0)
            amqp_send_method(state, frame.channel, AMQPMethod.channelCloseOK, &ok)
            return .channelClosed(channel: frame.channel, code: Int(close.reply_code), text: Self.text(close.reply_text))
        case AMQPMethod.connectionClose:
            let close = method.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            var ok = amqp_connection_close_ok_t(dummy: 0)
            amqp_send_method(state, 0, AMQPMethod.connectionCloseOK, &ok)
            throw .connection("broker closed the connection (\(close.reply_code)): \(Self.text(close.reply_text))")
        default:
            return .other
        }
    }

    // MARK: Replies

    /// Turns an RPC reply into a failure, acknowledging the broker's close so
    /// a closed channel can be reopened.
    private func check(_ reply: amqp_rpc_reply_t, channel: UInt16) throws(AMQPFailure) {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            throw .connection(String(cString: amqp_error_string2(reply.library_error)))
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            switch reply.reply.id {
            case AMQPMethod.channelClose:
                let close = reply.reply.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
                var ok = amqp_channel_close_ok_t(dummy: 0)
                amqp_send_method(state, channel, AMQPMethod.channelCloseOK, &ok)
                throw .channel(code: Int(close.reply_code), text: Self.text(close.reply_text))
            case AMQPMethod.connectionClose:
                let close = reply.reply.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
                var ok = amqp_connection_close_ok_t(dummy: 0)
                amqp_send_method(state, 0, AMQPMethod.connectionCloseOK, &ok)
                throw .connection(Self.text(close.reply_text))
            default:
                throw .connection("unexpected broker method \(reply.reply.id)")
            }
        default:
            throw .connection("no reply from the broker")
        }
    }

    private static func text(_ bytes: amqp_bytes_t) -> String {
        guard let pointer = bytes.bytes, bytes.len > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: bytes.len), as: UTF8.self)
    }
}

/// C strings that live as long as one rabbitmq-c call needs them.
final class AMQPCStrings {
    private var pointers: [UnsafeMutablePointer<CChar>] = []

    func bytes(_ string: String) -> amqp_bytes_t {
        let pointer = strdup(string)!
        pointers.append(pointer)
        return amqp_bytes_t(len: strlen(pointer), bytes: UnsafeMutableRawPointer(pointer))
    }

    deinit { pointers.forEach { free($0) } }
}
