import MsgFlo

/// A graph edge as MQTT forwarding: messages on topic `source` are published again to `target`.
struct MQTTForward: Hashable, Sendable {
    var source: String
    var target: String
}

extension MQTTTransport {
    /// Applies graph bindings the only way MQTT allows: this process subscribes
    /// to each binding's source topic and publishes every message again to its
    /// target, for as long as the transport stays connected (so `msgflo setup`
    /// must run with `--forever`). Unbinding stops that forwarding. Declarations
    /// do nothing, and an inport's binding to its own same-named exchange is
    /// skipped (on MQTT they are one topic already).
    public func execute(_ steps: [TopologyStep]) async throws {
        _ = try requireConnection()
        for step in steps {
            switch step {
            case .declareExchange, .declareQueue:
                continue
            case .bindQueue(let queue, let exchange, _):
                try await startForwarding(MQTTForward(source: exchange, target: queue))
            case .bindExchange(let destination, let source, _):
                try await startForwarding(MQTTForward(source: source, target: destination))
            case .unbindQueue(let queue, let exchange, _):
                await removeForwarder(MQTTForward(source: exchange, target: queue))
            case .unbindExchange(let destination, let source, _):
                await removeForwarder(MQTTForward(source: source, target: destination))
            }
        }
    }

    private func startForwarding(_ forward: MQTTForward) async throws {
        guard forward.source != forward.target else { return }
        try MQTTTransport.validate(topic: forward.target, forPublishing: true)
        try await registerForwarder(forward) {
            logger.info(
                "MQTT forwarding (no broker-side bindings on MQTT; stops when this process exits)",
                metadata: ["from": "\(forward.source)", "to": "\(forward.target)"])
            return try await consume(queue: forward.source, prefetch: 16) { [weak self] message in
                guard let self else { return .requeue }
                do {
                    try await self.publish(topic: forward.target, body: message.body)
                    return .ack
                } catch {
                    self.logger.warning(
                        "MQTT forwarding failed: message not forwarded",
                        metadata: [
                            "from": "\(forward.source)", "to": "\(forward.target)", "error": "\(error)",
                        ])
                    return .ack
                }
            }
        }
    }
}
