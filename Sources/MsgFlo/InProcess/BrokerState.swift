import Foundation

/// The whole state of an in-process broker, I/O free: every operation is a
/// synchronous mutation that returns the deliveries it caused.
struct BrokerState {
    struct StoredMessage {
        var routingKey: String
        var body: Data
        var redelivered: Bool
        /// When it was published (what AMQP's `timestamp` property carries).
        var publishedAt = Date()
    }

    enum Destination: Hashable {
        case queue(String)
        case exchange(String)
    }

    struct BindingEntry: Hashable {
        var destination: Destination
        var routingKey: String
    }

    struct Exchange {
        var type: TopologyStep.ExchangeType
        var durable: Bool
        var autoDelete: Bool
        var bindings: [BindingEntry] = []
        var everBound = false
    }

    struct Queue {
        var options: InProcessQueueOptions
        var ready = MessageBuffer()
        var consumers: [InProcessConsumerID] = []
        var nextConsumerIndex = 0
        var everConsumed = false
    }

    struct Consumer {
        var queue: String
        var prefetch: Int
        var connection: InProcessConnectionID
        var active = true
        var unsettled: [UInt64: StoredMessage] = [:]
        var deliver: @Sendable (BrokerDelivery) -> Void

        var hasCapacity: Bool { active && (prefetch <= 0 || unsettled.count < prefetch) }
    }

    var exchanges: [String: Exchange] = [:]
    var queues: [String: Queue] = [:]
    var consumers: [InProcessConsumerID: Consumer] = [:]
    var nextID: UInt64 = 1
    var nextTag: UInt64 = 1

    typealias Outbox = [(deliver: @Sendable (BrokerDelivery) -> Void, delivery: BrokerDelivery)]

    mutating func makeID() -> UInt64 {
        defer { nextID += 1 }
        return nextID
    }

    // MARK: declarations

    mutating func declareExchange(_ name: String, type: TopologyStep.ExchangeType, durable: Bool, autoDelete: Bool) throws {
        guard !name.isEmpty else { throw TransportError.inProcessAccessRefused("the default exchange cannot be declared") }
        if let existing = exchanges[name] {
            guard existing.type == type, existing.durable == durable, existing.autoDelete == autoDelete else {
                throw TransportError.inProcessPreconditionFailed(
                    "exchange '\(name)' exists as \(existing.type.rawValue) durable=\(existing.durable) autoDelete=\(existing.autoDelete), redeclared as \(type.rawValue) durable=\(durable) autoDelete=\(autoDelete)",
                    name: name)
            }
            return
        }
        exchanges[name] = Exchange(type: type, durable: durable, autoDelete: autoDelete)
    }

    mutating func declareQueue(_ name: String, options: InProcessQueueOptions) throws {
        guard !name.isEmpty else { throw TransportError.inProcessAccessRefused("a queue needs a name") }
        if let existing = queues[name] {
            guard existing.options == options else {
                throw TransportError.inProcessPreconditionFailed(
                    "queue '\(name)' exists with \(existing.options), redeclared with \(options)", name: name)
            }
            return
        }
        queues[name] = Queue(options: options)
    }

    mutating func bind(_ destination: Destination, to source: String, routingKey: String, bind: Bool) throws {
        guard !source.isEmpty else { throw TransportError.inProcessAccessRefused("the default exchange cannot be bound") }
        guard exchanges[source] != nil else { throw TransportError.inProcessNoSuchExchange(source) }
        switch destination {
        case .queue(let name): guard queues[name] != nil else { throw TransportError.inProcessNoSuchQueue(name) }
        case .exchange(let name): guard exchanges[name] != nil else { throw TransportError.inProcessNoSuchExchange(name) }
        }
        let entry = BindingEntry(destination: destination, routingKey: routingKey)
        if bind {
            if !exchanges[source]!.bindings.contains(entry) {
                exchanges[source]!.bindings.append(entry)
                exchanges[source]!.everBound = true
            }
        } else {
            exchanges[source]!.bindings.removeAll { $0 == entry }
            deleteExchangeIfUnused(source)
        }
    }

    private mutating func deleteExchangeIfUnused(_ name: String) {
        guard let exchange = exchanges[name], exchange.autoDelete, exchange.everBound, exchange.bindings.isEmpty else { return }
        exchanges[name] = nil
    }

    private mutating func deleteQueue(_ name: String) {
        queues[name] = nil
        for exchangeName in Array(exchanges.keys) {
            let before = exchanges[exchangeName]!.bindings.count
            exchanges[exchangeName]!.bindings.removeAll { $0.destination == .queue(name) }
            if exchanges[exchangeName]!.bindings.count != before { deleteExchangeIfUnused(exchangeName) }
        }
    }

    // MARK: routing

    /// The queues a message published to `exchange` with `routingKey` lands in.
    func route(exchange: String, routingKey: String) throws -> [String] {
        if exchange.isEmpty {
            return queues[routingKey] == nil ? [] : [routingKey]
        }
        guard exchanges[exchange] != nil else { throw TransportError.inProcessNoSuchExchange(exchange) }
        var found: [String] = []
        var visited: Set<String> = []
        collect(exchange: exchange, routingKey: routingKey, visited: &visited, into: &found)
        return found
    }

    private func collect(exchange name: String, routingKey: String, visited: inout Set<String>, into found: inout [String]) {
        guard visited.insert(name).inserted, let exchange = exchanges[name] else { return }
        for binding in exchange.bindings where Self.matches(exchange.type, bindingKey: binding.routingKey, routingKey: routingKey) {
            switch binding.destination {
            case .queue(let queue):
                if !found.contains(queue) { found.append(queue) }
            case .exchange(let next):
                collect(exchange: next, routingKey: routingKey, visited: &visited, into: &found)
            }
        }
    }

    static func matches(_ type: TopologyStep.ExchangeType, bindingKey: String, routingKey: String) -> Bool {
        switch type {
        case .fanout: return true
        case .direct: return bindingKey == routingKey
        case .topic: return TopicPattern.matches(pattern: bindingKey, routingKey: routingKey)
        }
    }

    mutating func publish(exchange: String, routingKey: String, body: Data, outbox: inout Outbox) throws -> Int {
        let targets = try route(exchange: exchange, routingKey: routingKey)
        for queue in targets {
            queues[queue]!.ready.append(StoredMessage(routingKey: routingKey, body: body, redelivered: false))
            dispatch(queue: queue, outbox: &outbox)
        }
        return targets.count
    }

    // MARK: consumers

    mutating func addConsumer(
        queue: String, prefetch: Int, connection: InProcessConnectionID,
        deliver: @escaping @Sendable (BrokerDelivery) -> Void, outbox: inout Outbox
    ) throws -> InProcessConsumerID {
        guard queues[queue] != nil else { throw TransportError.inProcessNoSuchQueue(queue) }
        let id = InProcessConsumerID(rawValue: makeID())
        consumers[id] = Consumer(queue: queue, prefetch: prefetch, connection: connection, deliver: deliver)
        queues[queue]!.consumers.append(id)
        queues[queue]!.everConsumed = true
        dispatch(queue: queue, outbox: &outbox)
        return id
    }

    /// basic.cancel: no new deliveries; unsettled ones can still be settled.
    mutating func stopConsumer(_ id: InProcessConsumerID) {
        consumers[id]?.active = false
    }

    /// The consumer is gone (its channel closed): unsettled messages go back
    /// to the head of their queue, marked redelivered.
    mutating func removeConsumer(_ id: InProcessConsumerID, outbox: inout Outbox) {
        guard let consumer = consumers.removeValue(forKey: id) else { return }
        guard queues[consumer.queue] != nil else { return }
        let leftovers = consumer.unsettled.sorted { $0.key < $1.key }.map { entry -> StoredMessage in
            var message = entry.value
            message.redelivered = true
            return message
        }
        queues[consumer.queue]!.ready.prepend(contentsOf: leftovers)
        queues[consumer.queue]!.consumers.removeAll { $0 == id }
        if queues[consumer.queue]!.consumers.isEmpty, queues[consumer.queue]!.options.autoDelete {
            deleteQueue(consumer.queue)
            return
        }
        dispatch(queue: consumer.queue, outbox: &outbox)
    }

    mutating func closeConnection(_ connection: InProcessConnectionID, outbox: inout Outbox) {
        let owned = consumers.filter { $0.value.connection == connection }.keys.sorted { $0.rawValue < $1.rawValue }
        for id in owned { removeConsumer(id, outbox: &outbox) }
    }

    /// Settles a delivery. Unknown tags (already settled, or the consumer is
    /// gone and the message was redelivered) are ignored rather than fatal,
    /// unlike an AMQP channel, because a late settlement is not a bug here.
    @discardableResult
    mutating func settle(consumer id: InProcessConsumerID, tag: UInt64, _ settlement: Settlement, outbox: inout Outbox) -> Bool {
        guard let message = consumers[id]?.unsettled.removeValue(forKey: tag) else { return false }
        let queueName = consumers[id]!.queue
        switch settlement {
        case .ack:
            break
        case .requeue:
            var again = message
            again.redelivered = true
            queues[queueName]?.ready.prepend(contentsOf: [again])
        case .reject:
            if let dlx = queues[queueName]?.options.deadLetterExchange, exchanges[dlx] != nil {
                _ = try? publish(exchange: dlx, routingKey: message.routingKey, body: message.body, outbox: &outbox)
            }
        }
        if queues[queueName] != nil { dispatch(queue: queueName, outbox: &outbox) }
        return true
    }

    /// Hands ready messages to consumers with free prefetch, round-robin.
    mutating func dispatch(queue name: String, outbox: inout Outbox) {
        while queues[name]?.ready.isEmpty == false, let consumerID = nextConsumer(for: name),
            let message = queues[name]!.ready.popFirst()
        {
            let tag = nextTag
            nextTag += 1
            consumers[consumerID]!.unsettled[tag] = message
            let delivery = BrokerDelivery(
                consumer: consumerID, tag: tag, queue: name, routingKey: message.routingKey,
                body: message.body, redelivered: message.redelivered, publishedAt: message.publishedAt)
            outbox.append((consumers[consumerID]!.deliver, delivery))
        }
    }

    /// The next consumer of the queue in round-robin order that may take one more message.
    private mutating func nextConsumer(for name: String) -> InProcessConsumerID? {
        guard let candidates = queues[name]?.consumers, let start = queues[name]?.nextConsumerIndex,
            !candidates.isEmpty
        else { return nil }
        for offset in 0..<candidates.count {
            let index = (start + offset) % candidates.count
            if consumers[candidates[index]]?.hasCapacity == true {
                queues[name]!.nextConsumerIndex = (index + 1) % candidates.count
                return candidates[index]
            }
        }
        return nil
    }
}

/// A FIFO with cheap removal at the head and re-insertion at the head.
struct MessageBuffer {
    private var storage: [BrokerState.StoredMessage] = []
    private var head = 0

    var isEmpty: Bool { head == storage.count }
    var count: Int { storage.count - head }

    mutating func append(_ message: BrokerState.StoredMessage) { storage.append(message) }

    mutating func prepend(contentsOf messages: [BrokerState.StoredMessage]) {
        guard !messages.isEmpty else { return }
        storage = messages + storage[head...]
        head = 0
    }

    mutating func popFirst() -> BrokerState.StoredMessage? {
        guard head < storage.count else { return nil }
        defer {
            head += 1
            if head > 64, head * 2 > storage.count {
                storage.removeFirst(head)
                head = 0
            }
        }
        return storage[head]
    }
}
