import MsgFlo

/// Turns bindings into AMQP 0-9-1 operations, exactly as msgflo-nodejs shapes the
/// broker, so our setup and their participants can share one broker.
public enum TopologyPlan {
    /// Whether setup also declares the queues and exchanges at both ends.
    public enum Endpoints: Sendable, Hashable {
        /// Declare them as a msgflo-nodejs participant would (durable; inport queue with
        /// `x-dead-letter-exchange = dead-<queue>` plus a same-named fanout exchange bound
        /// to it; outport fanout exchange), so bindings can be made before participants start.
        case declareLikeParticipants
        /// Only bind: the participants (possibly foreign ones, found by discovery) own
        /// their queues, and redeclaring with other arguments would fail with 406.
        case assumeExisting
    }

    /// `queueTypes`: the type of each inport queue declared (`QueueTypePlan`); classic when absent.
    public static func setupSteps(
        for bindings: [Binding], endpoints: Endpoints = .declareLikeParticipants, queueTypes: [String: QueueType] = [:]
    ) -> [TopologyStep] {
        unique(bindings.flatMap { setupSteps(for: $0, endpoints: endpoints, queueTypes: queueTypes) })
    }

    public static func setupSteps(
        for binding: Binding, endpoints: Endpoints = .declareLikeParticipants, queueTypes: [String: QueueType] = [:]
    ) -> [TopologyStep] {
        let declare = endpoints == .declareLikeParticipants
        let inport = { (queue: String) in Self.inport(queue, type: queueTypes[queue]) }
        switch binding.kind {
        case .pubsub:
            return (declare ? outport(binding.source) + inport(binding.target) : [])
                + [.bindQueue(queue: binding.target, exchange: binding.source, routingKey: "")]
        case .roundrobin:
            let exchange = roundRobinExchange(for: binding.source)
            return (declare ? outport(binding.source) + inport(binding.target) : []) + [
                .declareExchange(name: exchange, type: .direct),
                .bindExchange(destination: exchange, source: binding.source, routingKey: ""),
                .bindQueue(queue: binding.target, exchange: exchange, routingKey: ""),
            ]
        case .deadletter:
            let exchange = deadLetterExchange(for: binding.source)
            return (declare ? inport(binding.source) + inport(binding.target) : []) + [
                .declareExchange(name: exchange, type: .fanout),
                .bindQueue(queue: binding.target, exchange: exchange, routingKey: ""),
            ]
        }
    }

    /// The inverse of setup: unbind only, in reverse order. Queues and exchanges stay,
    /// since they belong to participants (maybe foreign ones) and may hold messages.
    public static func removalSteps(for bindings: [Binding]) -> [TopologyStep] {
        unique(bindings.reversed().flatMap(removalSteps(for:)))
    }

    public static func removalSteps(for binding: Binding) -> [TopologyStep] {
        switch binding.kind {
        case .pubsub:
            return [.unbindQueue(queue: binding.target, exchange: binding.source, routingKey: "")]
        case .roundrobin:
            let exchange = roundRobinExchange(for: binding.source)
            return [
                .unbindQueue(queue: binding.target, exchange: exchange, routingKey: ""),
                .unbindExchange(destination: exchange, source: binding.source, routingKey: ""),
            ]
        case .deadletter:
            return [.unbindQueue(queue: binding.target, exchange: deadLetterExchange(for: binding.source), routingKey: "")]
        }
    }

    /// Where msgflo-nodejs inport queues send rejected messages.
    public static func deadLetterExchange(for queue: String) -> String { "dead-" + queue }
    /// The direct exchange msgflo puts between an outport and a round-robin target.
    public static func roundRobinExchange(for source: String) -> String { "out-" + source }

    /// What a msgflo-nodejs participant declares for an inport.
    /// (`type` quorum adds `x-queue-type`, which msgflo-nodejs never sends.)
    public static func inport(_ queue: String, type: QueueType? = nil) -> [TopologyStep] {
        [
            .declareQueue(name: queue, deadLetterExchange: deadLetterExchange(for: queue), type: type),
            .declareExchange(name: queue, type: .fanout),
            .bindQueue(queue: queue, exchange: queue, routingKey: ""),
        ]
    }

    /// What a msgflo-nodejs participant declares for an outport.
    public static func outport(_ exchange: String) -> [TopologyStep] {
        [.declareExchange(name: exchange, type: .fanout)]
    }

    private static func unique(_ steps: [TopologyStep]) -> [TopologyStep] {
        var seen = Set<TopologyStep>()
        return steps.filter { seen.insert($0).inserted }
    }
}
