import MsgFlo

/// One AMQP 0-9-1 topology method as the connection threads execute it.
///
/// Both the participant's own port declarations and `msgflo setup`'s
/// `TopologyStep`s are lowered to these, so the exact flags and arguments a
/// queue is declared with live in one place (they must match msgflo-nodejs
/// byte for byte, or RabbitMQ answers 406 PRECONDITION_FAILED).
enum AMQPOperation: Sendable, Hashable {
    case declareExchange(name: String, type: String, durable: Bool, autoDelete: Bool)
    /// `type` nil or classic: no `x-queue-type` argument (msgflo-nodejs' declaration).
    case declareQueue(name: String, durable: Bool, autoDelete: Bool, deadLetterExchange: String?, type: QueueType? = nil)
    case bindQueue(queue: String, exchange: String, routingKey: String)
    case unbindQueue(queue: String, exchange: String, routingKey: String)
    case bindExchange(destination: String, source: String, routingKey: String)
    case unbindExchange(destination: String, source: String, routingKey: String)
    case deleteQueue(name: String)
    case deleteExchange(name: String)

    /// Inport as msgflo-nodejs declares it: queue with `x-dead-letter-exchange =
    /// dead-<queue>`, a same-named fanout exchange, and a binding between them.
    /// A persistent port's queue is of `options.queueType`, else `defaultType`;
    /// a non-persistent one is classic (quorum queues cannot auto-delete).
    static func inport(queue: String, options: PortOptions, defaultType: QueueType? = nil) -> [AMQPOperation] {
        let durable = options.persistent
        let type = durable ? options.queueType ?? defaultType : nil
        return [
            .declareQueue(name: queue, durable: durable, autoDelete: !durable, deadLetterExchange: "dead-" + queue, type: type),
            .declareExchange(name: queue, type: "fanout", durable: durable, autoDelete: !durable),
            .bindQueue(queue: queue, exchange: queue, routingKey: ""),
        ]
    }

    /// Outport as msgflo-nodejs declares it: a fanout exchange named after the port queue.
    static func outport(exchange: String, options: PortOptions) -> [AMQPOperation] {
        [.declareExchange(name: exchange, type: "fanout", durable: options.persistent, autoDelete: !options.persistent)]
    }

    /// A queue without arguments, like msgflo-nodejs' `assertQueue('fbp')`.
    static func plainQueue(_ name: String, options: PortOptions) -> [AMQPOperation] {
        [.declareQueue(name: name, durable: options.persistent, autoDelete: !options.persistent, deadLetterExchange: nil)]
    }

    /// The broker method a setup step means. Exchanges and queues of steps are durable.
    init(_ step: TopologyStep) {
        switch step {
        case .declareExchange(let name, let type):
            self = .declareExchange(name: name, type: type.rawValue, durable: true, autoDelete: false)
        case .declareQueue(let name, let deadLetterExchange, let type):
            self = .declareQueue(name: name, durable: true, autoDelete: false, deadLetterExchange: deadLetterExchange, type: type)
        case .bindQueue(let queue, let exchange, let routingKey):
            self = .bindQueue(queue: queue, exchange: exchange, routingKey: routingKey)
        case .unbindQueue(let queue, let exchange, let routingKey):
            self = .unbindQueue(queue: queue, exchange: exchange, routingKey: routingKey)
        case .bindExchange(let destination, let source, let routingKey):
            self = .bindExchange(destination: destination, source: source, routingKey: routingKey)
        case .unbindExchange(let destination, let source, let routingKey):
            self = .unbindExchange(destination: destination, source: source, routingKey: routingKey)
        }
    }

    /// Short human text for log lines and errors.
    var summary: String {
        switch self {
        case .declareExchange(let name, let type, _, _): "declare \(type) exchange '\(name)'"
        case .declareQueue(let name, _, _, _, let type): "declare \(type == .quorum ? "quorum " : "")queue '\(name)'"
        case .bindQueue(let queue, let exchange, _): "bind queue '\(queue)' to exchange '\(exchange)'"
        case .unbindQueue(let queue, let exchange, _): "unbind queue '\(queue)' from exchange '\(exchange)'"
        case .bindExchange(let destination, let source, _): "bind exchange '\(destination)' to exchange '\(source)'"
        case .unbindExchange(let destination, let source, _): "unbind exchange '\(destination)' from exchange '\(source)'"
        case .deleteQueue(let name): "delete queue '\(name)'"
        case .deleteExchange(let name): "delete exchange '\(name)'"
        }
    }

    /// The queue or exchange it is about (the destination of a binding).
    var name: String {
        switch self {
        case .declareExchange(let name, _, _, _), .declareQueue(let name, _, _, _, _), .deleteQueue(let name),
            .deleteExchange(let name):
            name
        case .bindQueue(let queue, _, _), .unbindQueue(let queue, _, _):
            queue
        case .bindExchange(let destination, _, _), .unbindExchange(let destination, _, _):
            destination
        }
    }

    /// Whether replaying it after a reconnect restores state (deletions and
    /// unbinds are not remembered).
    var isRestorable: Bool {
        switch self {
        case .declareExchange, .declareQueue, .bindQueue, .bindExchange: true
        default: false
        }
    }
}
