import CRabbitMQ
import Foundation
import MsgFlo

extension AMQPConnection {
    // MARK: Publishing

    /// Sends one persistent JSON message; the confirm arrives later as a frame
    /// (after a `basic.return` when it is `mandatory` and no queue took it).
    func publish(channel: UInt16, _ message: AMQPOutgoing) throws(AMQPFailure) {
        let strings = AMQPCStrings()
        defer { withExtendedLifetime(strings) {} }
        var properties = amqp_basic_properties_t()
        properties._flags = amqp_flags_t(AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_TIMESTAMP_FLAG)
        var headers: [amqp_table_entry_t] = []
        if let deliveries = message.deliveries {
            var entry = amqp_table_entry_t()
            entry.key = strings.bytes(PublishOptions.deliveriesHeader)
            entry.value.kind = UInt8(AMQP_FIELD_KIND_I64.rawValue)
            entry.value.value.i64 = Int64(deliveries)
            headers.append(entry)
            properties._flags |= amqp_flags_t(AMQP_BASIC_HEADERS_FLAG)
        }
        properties.content_type = strings.bytes("application/json")
        properties.delivery_mode = 2
        // Every message carries when it was sent (as msgflo-nodejs' announcements
        // do): a coordinator reading a backlog of the `fbp` queue tells old from new.
        properties.timestamp = UInt64(max(0, time(nil)))
        let status = headers.withUnsafeMutableBufferPointer { table in
            properties.headers = amqp_table_t(num_entries: Int32(table.count), entries: table.baseAddress)
            return message.body.withUnsafeBytes { raw in
                let bytes = amqp_bytes_t(len: raw.count, bytes: UnsafeMutableRawPointer(mutating: raw.baseAddress))
                return amqp_basic_publish(
                    state, channel, strings.bytes(message.exchange), strings.bytes(message.routingKey),
                    message.mandatory ? 1 : 0, 0, &properties, bytes)
            }
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

    /// `noAck`: the broker counts a message delivered once sent (a watcher's
    /// copies, which nobody needs redelivered); no settlement may follow.
    func consume(channel: UInt16, queue: String, consumerTag: String, noAck: Bool = false) throws(AMQPFailure) {
        let strings = AMQPCStrings()
        defer { withExtendedLifetime(strings) {} }
        amqp_basic_consume(state, channel, strings.bytes(queue), strings.bytes(consumerTag), 0, noAck ? 1 : 0, 0, amqp_empty_table)
        try check(amqp_get_rpc_reply(state), channel: channel)
    }

    func cancel(channel: UInt16, consumerTag: String) throws(AMQPFailure) {
        let strings = AMQPCStrings()
        defer { withExtendedLifetime(strings) {} }
        amqp_basic_cancel(state, channel, strings.bytes(consumerTag))
        try check(amqp_get_rpc_reply(state), channel: channel)
    }

    func settle(channel: UInt16, deliveryTag: UInt64, _ settlement: Settlement) throws(AMQPFailure) {
        let status: Int32 =
            switch settlement {
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
    enum ConsumeResult {
        case delivery(AMQPDelivery)
        case frame(AMQPInboundFrame)
        case nothing
    }

    func nextDelivery() throws(AMQPFailure) -> ConsumeResult {
        amqp_maybe_release_buffers(state)
        var envelope = amqp_envelope_t()
        var zero = timeval(tv_sec: 0, tv_usec: 0)
        let reply = amqp_consume_message(state, &envelope, &zero, 0)
        if reply.reply_type == AMQP_RESPONSE_NORMAL {
            defer { amqp_destroy_envelope(&envelope) }
            let body =
                envelope.message.body.len > 0 && envelope.message.body.bytes != nil
                ? Data(bytes: envelope.message.body.bytes, count: envelope.message.body.len) : Data()
            let properties = envelope.message.properties
            let stamped = properties._flags & amqp_flags_t(AMQP_BASIC_TIMESTAMP_FLAG) != 0
            return .delivery(
                AMQPDelivery(
                    channel: envelope.channel, deliveryTag: envelope.delivery_tag,
                    redelivered: envelope.redelivered != 0, body: body,
                    timestamp: stamped ? Date(timeIntervalSince1970: Double(properties.timestamp)) : nil,
                    deliveries: Self.deliveries(in: properties)))
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
        case AMQPMethod.basicReturn:
            let returned = method.decoded.assumingMemoryBound(to: amqp_basic_return_t.self).pointee
            return .returned(
                AMQPReturn(
                    exchange: Self.text(returned.exchange), routingKey: Self.text(returned.routing_key),
                    code: Int(returned.reply_code), text: Self.text(returned.reply_text)))
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

    /// The `x-msgflo-deliveries` header of a delivery: any integer kind, clamped
    /// to 0...Int32.max (it comes from outside: never trap on it).
    static func deliveries(in properties: amqp_basic_properties_t) -> Int {
        guard properties._flags & amqp_flags_t(AMQP_BASIC_HEADERS_FLAG) != 0,
            properties.headers.num_entries > 0, let entries = properties.headers.entries
        else { return 0 }
        for index in 0..<Int(properties.headers.num_entries) {
            let entry = entries[index]
            guard text(entry.key) == PublishOptions.deliveriesHeader else { continue }
            let value = entry.value
            let number: Int64? =
                switch UInt32(value.kind) {
                case AMQP_FIELD_KIND_I8.rawValue: Int64(value.value.i8)
                case AMQP_FIELD_KIND_U8.rawValue: Int64(value.value.u8)
                case AMQP_FIELD_KIND_I16.rawValue: Int64(value.value.i16)
                case AMQP_FIELD_KIND_U16.rawValue: Int64(value.value.u16)
                case AMQP_FIELD_KIND_I32.rawValue: Int64(value.value.i32)
                case AMQP_FIELD_KIND_U32.rawValue: Int64(value.value.u32)
                case AMQP_FIELD_KIND_I64.rawValue: value.value.i64
                case AMQP_FIELD_KIND_U64.rawValue: Int64(clamping: value.value.u64)
                default: nil
                }
            return Int(min(max(number ?? 0, 0), Int64(Int32.max)))
        }
        return 0
    }
}
