import CRabbitMQ
import CRabbitMQShim
import Foundation

#if canImport(Glibc)
    import Glibc
    import MsgFlo
    import Primitives
#endif

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
        var caBundle: AMQPCABundle?
        if url.scheme.usesTLS {
            socket = amqp_ssl_socket_new(state)
            if let socket {
                let verifies = url.query["verify"] != "false"
                if !verifies {
                    amqp_ssl_socket_set_verify_peer(socket, 0)
                    amqp_ssl_socket_set_verify_hostname(socket, 0)
                }
                // rabbitmq-c < 0.14 loads no CA at all unless given a file (see AMQPCABundle).
                caBundle = AMQPCABundle.resolve(
                    query: url.query, environment: ProcessInfo.processInfo.environment,
                    fileExists: { FileManager.default.fileExists(atPath: $0) })
                if let caBundle, amqp_ssl_socket_set_cacert(socket, caBundle.path) != 0 {
                    throw .connection("cannot read CA certificate file \(caBundle.path) (from \(caBundle.origin.description))")
                }
                if caBundle == nil, verifies {
                    throw .connection(
                        "no CA bundle to verify the broker with: none of \(AMQPCABundle.distributionBundles.joined(separator: ", ")) exists; "
                            + "install ca-certificates or set SSL_CERT_FILE")
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
                let diagnosis = AMQPSocketDiagnosis.reason(host: url.host, port: url.port, timeout: connectTimeout)
            {
                reason = diagnosis
            }
            if status == AMQP_STATUS_SSL_PEER_VERIFY_FAILED.rawValue, let caBundle {
                reason += ": " + caBundle.verificationHint
            } else if status == AMQP_STATUS_SSL_HOSTNAME_VERIFY_FAILED.rawValue {
                reason += ": the broker's certificate does not name \(url.host); connect with the host name it was issued for"
            }
            throw .connection(reason)
        }
        var handshake = timeval(tv_sec: Int(connectTimeout.components.seconds), tv_usec: 0)
        amqp_set_handshake_timeout(state, &handshake)
        let reply = msgflo_amqp_login_plain(
            state, url.vhost, 0, 131_072, Int32(heartbeat),
            url.user ?? "guest", url.password ?? "guest")
        if reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION, reply.reply.id == AMQPMethod.connectionClose {
            // A refused login (bad credentials, no access to the vhost) fails the same way every time.
            let close = reply.reply.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            let refusal = AMQPReplyCode.error(
                Int(close.reply_code), text: Self.text(close.reply_text),
                doing: "log in as '\(url.user ?? "guest")' to virtual host '\(url.vhost)'",
                url: url, duringLogin: true)
            if !refusal.isTransient { throw .refused(refusal) }
        }
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

    // MARK: Replies

    /// Turns an RPC reply into a failure, acknowledging the broker's close so
    /// a closed channel can be reopened.
    func check(_ reply: amqp_rpc_reply_t, channel: UInt16) throws(AMQPFailure) {
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

    static func text(_ bytes: amqp_bytes_t) -> String {
        guard let pointer = bytes.bytes, bytes.len > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: bytes.len), as: UTF8.self)
    }
}
