import Foundation
import Logging
import MsgFlo
import Primitives

/// MsgFlo over MQTT 3.1.1 (e.g. mosquitto), wire-compatible with msgflo-nodejs:
/// a queue or exchange name is a topic, bodies are the same JSON bytes, and
/// discovery goes to topic `fbp`.
///
/// MQTT differs from AMQP where msgflo relies on the broker:
/// - Nothing is declared, so the `declare*` calls do nothing.
/// - Every subscriber of a topic gets a copy. A participant's inports are
///   therefore shared subscriptions (`$share/<role>/<topic>`, mosquitto ≥ 1.6
///   and MQTT 3.1.1 clients): the instances of one role share the messages.
///   Taps, dumps and forwarding subscribe plainly. Whether the broker shares
///   is probed once (RabbitMQ 3.10's MQTT plugin takes `$share/...` as a
///   plain topic and would deliver nothing); `?shared=1` / `?shared=0` in the
///   URL (or `Configuration.sharedSubscriptions`) decide without probing.
/// - `.reject` cannot dead-letter (the message is dropped and a warning logged);
///   `.requeue` hands the message to the same consumer again after a short
///   backoff (republishing it would give a copy to every other subscriber).
/// - Bindings are forwarded by this process (see `execute(_:)`), not by the broker.
/// - Clean sessions by default: a message delivered but not yet acknowledged
///   when the connection drops is not redelivered, and messages published
///   while the process is away are not kept for it. With a session name
///   (`TransportOptions.sessionName`: role and instance) it is a persistent
///   session instead: client id = the name, clean session 0; the broker keeps
///   subscriptions and QoS 1 messages while the process is away, consumers
///   that stop do not unsubscribe, and messages that arrive before their
///   consumer exists wait unacknowledged for it.
///   Publishes not yet acknowledged by the broker are sent again after the
///   reconnect (at-least-once).
///
/// One connection owned by one thread; it reconnects with capped, jittered
/// backoff and resubscribes every consumer by itself.
public final class MQTTTransport: MessageTransport, BrokerAdmin, Sendable {
    /// Tuning knobs; the defaults suit a participant.
    public struct Configuration: Sendable {
        /// Keepalive in seconds; the URL's `?heartbeat=` wins over this.
        public var keepAlive: Int = 30
        /// Time allowed for the TCP connect and the CONNACK.
        public var connectTimeout: Duration = .seconds(5)
        /// Delays between connection attempts.
        public var backoff = Backoff()
        /// Largest packet accepted from the broker.
        public var maximumPacketSize = 64 * 1024 * 1024
        /// How long `disconnect()` waits for running handlers to settle their messages.
        public var shutdownGrace: Duration = .seconds(10)
        /// How long a publish may wait for the broker's PUBACK, across
        /// reconnects, before it fails with `TransportError(.publishTimeout)`;
        /// nil waits as long as it takes. A timed-out publish stays queued
        /// for the broker, so it may still be delivered later (at-least-once).
        public var publishTimeout: Duration?
        /// Prefetch of a participant that sets none (`TransportOptions.prefetch`):
        /// handlers run at once per consumer.
        public var prefetch = TransportOptions.defaultPrefetch
        /// Whether `consume(queue:prefetch:sharedBy:)` subscribes to
        /// `$share/<role>/<topic>` so instances of a role share work; the
        /// URL's `?shared=0` / `?shared=1` wins over this.
        public var sharedSubscriptions = SharedSubscriptions.probe
        /// Delays between a consumer's attempts at a message its handler requeued.
        public var requeueBackoff = Backoff(initial: .milliseconds(100), maximum: .seconds(5), jitter: 0.2)
        /// The persistent session's client id (see `TransportOptions.sessionName`); nil: clean sessions.
        public var sessionName: String?

        public init() {}

        /// The defaults with what `options` sets.
        public init(options: TransportOptions) {
            publishTimeout = options.publishTimeout
            prefetch = options.prefetch
            sessionName = options.sessionName
        }
    }

    /// Whether a participant's inports are shared subscriptions.
    public enum SharedSubscriptions: Sendable, Hashable {
        /// Shared when the broker shares: tried once per transport with a
        /// probe message (a broker that takes `$share/...` for a plain topic
        /// would otherwise deliver nothing); plain subscriptions, with a
        /// warning, when it does not.
        case probe
        /// Always shared (the broker is known to share; no probe).
        case on
        /// Never: every instance of a role gets a copy.
        case off
    }

    public let url: BrokerURL
    public let configuration: Configuration
    let logger: Logger
    private let state = LockedState(TransportState())

    struct TransportState {
        var connection: MQTTConnection?
        var nextConsumerID = 0
        var consumers: [Int: MQTTConsumer] = [:]
        var forwarders: [MQTTForward: any ConsumerHandle] = [:]
        /// The probe's answer: whether the broker shares subscriptions.
        var brokerShares: Bool?
        /// Persistent session: deliveries no consumer took yet (the broker
        /// sends the session's messages right after CONNACK), unacknowledged.
        var waiting: [MQTTDelivery] = []
    }

    /// Whether the broker keeps this client's session between connections.
    var persistentSession: Bool { configuration.sessionName != nil }

    /// `mqtt://` or `mqtts://` (TLS: see `MQTTTLSSettings` for the URL's
    /// `cacertfile`, `certfile`, `keyfile` and `verify` parameters); fails with
    /// `TransportError(.unsupportedURL)` for any other URL.
    public init(
        url: BrokerURL, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "msgflo.mqtt")
    ) throws(TransportError) {
        switch url.scheme {
        case .mqtt, .mqtts: break
        default:
            throw TransportError(.unsupportedURL, "MQTTTransport needs an mqtt:// URL, not \(url)", url: url.description)
        }
        self.url = url
        self.configuration = configuration
        self.logger = logger
    }

    public var options: TransportOptions {
        TransportOptions(publishTimeout: configuration.publishTimeout, prefetch: configuration.prefetch, sessionName: configuration.sessionName)
    }

    // MARK: Lifecycle

    /// Connects, retrying with backoff while the broker is unreachable. Throws
    /// `CancellationError` when cancelled, and a permanent `TransportError`
    /// (`.authenticationFailed`, `.accessRefused`, `.protocolError`) when the
    /// broker refuses the connection: retrying would not help.
    public func connect() async throws {
        let connection = state.withLock { state -> MQTTConnection in
            if let connection = state.connection { return connection }
            let created = MQTTConnection(settings: settings(), logger: logger) { [weak self] delivery in
                self?.route(delivery)
            }
            state.connection = created
            created.start()
            return created
        }
        let broker = url.description
        do {
            // Cancellation (SIGTERM) answers at once, even while the thread
            // sits in a TCP connect or waits for a CONNACK.
            try await withPromptCancellation {
                try await withCheckedThrowingContinuation { (reply: CheckedContinuation<Void, any Error>) in
                    if !connection.post(.awaitConnected(reply)) { reply.resume(throwing: MQTTRefusal.closed(broker)) }
                }
            } onCancel: {
                connection.post(.cancelConnectWaiters)
            }
        } catch {
            // Give up this connection so a later connect() starts afresh.
            let dropped = state.withLock { state -> Bool in
                guard state.connection === connection else { return false }
                state.connection = nil
                return true
            }
            if dropped { connection.stop() }
            throw error
        }
    }

    /// Stops consumers and forwarding, waits up to `shutdownGrace` for running
    /// handlers to settle, then sends DISCONNECT.
    public func disconnect() async {
        let (consumers, forwarders) = state.withLock { state in
            defer {
                state.consumers = [:]
                state.forwarders = [:]
            }
            return (Array(state.consumers.values), Array(state.forwarders.values))
        }
        if !forwarders.isEmpty {
            logger.info("MQTT forwarding of graph bindings stops with this process", metadata: ["bindings": "\(forwarders.count)"])
        }
        for forwarder in forwarders { await forwarder.cancel() }
        for consumer in consumers { consumer.finish() }
        let deadline = ContinuousClock.now + configuration.shutdownGrace
        while consumers.contains(where: { $0.running > 0 }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let connection = state.withLock { state in
            defer { state.connection = nil }
            return state.connection
        }
        connection?.stop()
    }

    private func settings() -> MQTTConnectionSettings {
        MQTTConnectionSettings(
            endpoints: url.endpoints, username: url.user, password: url.password,
            clientID: configuration.sessionName
                ?? "msgflo-" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased(),
            tls: url.scheme == .mqtts
                ? MQTTTLSSettings(
                    url: url, environment: ProcessInfo.processInfo.environment,
                    fileExists: { FileManager.default.fileExists(atPath: $0) }) : nil,
            cleanSession: configuration.sessionName == nil,
            keepAlive: url.heartbeat ?? configuration.keepAlive, connectTimeout: configuration.connectTimeout,
            backoff: configuration.backoff, maximumPacketSize: configuration.maximumPacketSize,
            brokerDescription: url.description)
    }

    func requireConnection() throws(TransportError) -> MQTTConnection {
        guard let connection = state.withLock({ $0.connection }) else {
            throw MQTTRefusal.notConnected(url.description)
        }
        return connection
    }

    // MARK: Declarations (MQTT has none)

    public func declareInport(queue: String, options: PortOptions) async throws {}
    public func declareQueue(_ name: String, options: PortOptions) async throws {}
    public func declareOutport(exchange: String, options: PortOptions) async throws {}

    // MARK: Publishing

    /// Publishes with QoS 1 to topic `exchange`; returns on the broker's PUBACK.
    public func publish(exchange: String, body: Data) async throws {
        try await publish(topic: exchange, body: body)
    }

    /// Publishes with QoS 1 to topic `queue`; returns on the broker's PUBACK.
    public func publish(queue: String, body: Data) async throws {
        try await publish(topic: queue, body: body)
    }

    func publish(topic: String, body: Data) async throws {
        try MQTTTransport.validate(topic: topic, forPublishing: true)
        let connection = try requireConnection()
        let broker = url.description
        let send: @Sendable () async throws -> Void = {
            try await withCheckedThrowingContinuation { (reply: CheckedContinuation<Void, any Error>) in
                if !connection.post(.publish(topic: topic, payload: Array(body), qos: 1, reply: reply)) {
                    reply.resume(throwing: MQTTRefusal.closed(broker))
                }
            }
        }
        guard let timeout = configuration.publishTimeout else { return try await send() }
        do {
            try await withDeadline(timeout, "publishing to '\(topic)'", send)
        } catch is DeadlineExceeded {
            throw TransportError(
                .publishTimeout,
                "no PUBACK from \(broker) within \(timeout) for '\(topic)'; the broker may be unreachable (the message stays queued and may still be delivered)",
                url: broker, queue: topic)
        }
    }

    /// An empty topic, or a wildcard in a published topic, would make the broker drop the connection.
    static func validate(topic: String, forPublishing: Bool) throws(TransportError) {
        guard !topic.isEmpty else { throw MQTTRefusal.invalidTopic("an MQTT topic cannot be empty", topic: topic) }
        if forPublishing, topic.contains(where: { $0 == "+" || $0 == "#" }) {
            throw MQTTRefusal.invalidTopic("cannot publish to '\(topic)': MQTT topic names cannot contain '+' or '#'", topic: topic)
        }
        guard topic.utf8.count <= Int(UInt16.max), !topic.contains("\u{0}") else {
            throw MQTTRefusal.invalidTopic("'\(topic.prefix(40))' is not a valid MQTT topic", topic: String(topic.prefix(40)))
        }
    }

    // MARK: Consumers

    /// Subscribes to topic `queue` with QoS 1. At most `prefetch` handlers run
    /// at once; later deliveries wait in memory (the broker bounds them by its
    /// in-flight window). Returns once the broker confirmed the subscription.
    /// Every subscriber gets a copy of each message (taps, dumps, forwarding).
    public func consume(
        queue: String, prefetch: Int,
        handler: @escaping @Sendable (IncomingMessage) async -> Settlement
    ) async throws -> any ConsumerHandle {
        try await consume(queue: queue, filter: queue, prefetch: prefetch, keepsSubscription: false, handler: handler)
    }

    /// `consume` as one instance of `role`: a shared subscription
    /// (`$share/<role>/<queue>`), so the broker gives each message to one
    /// instance of the role, unless sharing is off (see `Configuration.sharedSubscriptions`).
    public func consume(
        queue: String, prefetch: Int, sharedBy role: String,
        handler: @escaping @Sendable (IncomingMessage) async -> Settlement
    ) async throws -> any ConsumerHandle {
        let shared: Bool
        switch sharedSubscriptionMode {
        case .on: shared = true
        case .off: shared = false
        case .probe: shared = try await brokerSharesSubscriptions()
        }
        let filter = shared ? MQTTTransport.sharedFilter(topic: queue, group: role) : queue
        return try await consume(queue: queue, filter: filter, prefetch: prefetch, keepsSubscription: persistentSession, handler: handler)
    }

    /// Whether this transport's participants subscribe with `$share/`: the URL's `?shared=`, else the configuration.
    public var sharedSubscriptionMode: SharedSubscriptions {
        switch url.query["shared"]?.lowercased() {
        case "0", "false", "no", "off": .off
        case "1", "true", "yes", "on": .on
        default: configuration.sharedSubscriptions
        }
    }

    /// Subscribes to `$share/msgflo-probe/<a topic of its own>`, publishes
    /// there and waits up to 3 s for the message; the answer is kept.
    private func brokerSharesSubscriptions() async throws -> Bool {
        if let known = state.withLock({ $0.brokerShares }) { return known }
        let topic = "msgflo.probe.\(UUID().uuidString.prefix(12).lowercased())"
        let arrived = LockedState(false)
        let probe = try await consume(
            queue: topic, filter: MQTTTransport.sharedFilter(topic: topic, group: "msgflo-probe"), prefetch: 1, keepsSubscription: false
        ) { _ in
            arrived.withLock { $0 = true }
            return .ack
        }
        try await publish(topic: topic, body: Data("shared subscription probe".utf8))
        let deadline = ContinuousClock.now + .seconds(3)
        while !arrived.withLock({ $0 }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        await probe.cancel()
        let shares = arrived.withLock { $0 }
        if !shares {
            logger.warning(
                "MQTT broker does not deliver to shared subscriptions ($share/...): instances of a role each get every message; add ?shared=0 to the URL to skip this probe",
                metadata: ["broker": "\(url)"])
        }
        state.withLock { $0.brokerShares = shares }
        return shares
    }

    /// `$share/<group>/<topic>`; a group name cannot hold `/`, `+` or `#`
    /// (they become `_`), and an empty one means no sharing.
    static func sharedFilter(topic: String, group: String) -> String {
        let name = String(group.map { $0 == "/" || $0 == "+" || $0 == "#" ? "_" : $0 })
        return name.isEmpty ? topic : "$share/\(name)/\(topic)"
    }

    private func consume(
        queue: String, filter: String, prefetch: Int, keepsSubscription: Bool,
        handler: @escaping @Sendable (IncomingMessage) async -> Settlement
    ) async throws -> any ConsumerHandle {
        try MQTTTransport.validate(topic: queue, forPublishing: false)
        // Deliveries are routed to consumers by exact topic: a wildcard
        // subscription would have its messages acknowledged and lost.
        if queue.contains(where: { $0 == "+" || $0 == "#" }) {
            throw MQTTRefusal.invalidTopic(
                "cannot consume '\(queue)': a msgflo queue is one MQTT topic; wildcards ('+', '#') are not supported", topic: queue)
        }
        let connection = try requireConnection()
        let (consumer, first) = state.withLock { state -> (MQTTConsumer, Bool) in
            state.nextConsumerID += 1
            let first = !state.consumers.values.contains { $0.filter == filter }
            let consumer = MQTTConsumer(
                id: state.nextConsumerID, topic: queue, filter: filter, prefetch: max(1, prefetch), keepsSubscription: keepsSubscription,
                handler: handler, transport: self)
            state.consumers[consumer.id] = consumer
            return (consumer, first)
        }
        consumer.start()
        deliverWaiting()
        if first {
            do {
                try await subscribe(topic: filter, connection: connection)
            } catch {
                remove(consumer)
                consumer.finish()
                throw error
            }
        }
        return MQTTConsumerHandle(transport: self, consumer: consumer)
    }

    /// On MQTT every subscriber of a topic gets a copy, so watching an
    /// outport is consuming its topic; `backlog` bounds the handlers run at once.
    public func tap(
        exchange: String, backlog: Int,
        handler: @escaping @Sendable (IncomingMessage) -> Void
    ) async throws -> any ConsumerHandle {
        try await consume(queue: exchange, prefetch: min(max(1, backlog), 16)) { message in
            handler(message)
            return .ack
        }
    }

    private func subscribe(topic: String, connection: MQTTConnection) async throws {
        try await withCheckedThrowingContinuation { (reply: CheckedContinuation<Void, any Error>) in
            if !connection.post(.subscribe(topic: topic, reply: reply)) {
                reply.resume(throwing: MQTTRefusal.closed(self.url.description))
            }
        }
    }

    /// Stops a consumer; unsubscribes when it was the topic's last one, except
    /// for a participant's inport in a persistent session: the session keeps
    /// that subscription (and the messages it gets) for the next run.
    func cancel(_ consumer: MQTTConsumer) async {
        guard remove(consumer) else { return }
        consumer.finish()
        guard !consumer.keepsSubscription else { return }
        let last = state.withLock { state in !state.consumers.values.contains { $0.filter == consumer.filter } }
        guard last, let connection = state.withLock({ $0.connection }) else { return }
        do {
            try await withCheckedThrowingContinuation { (reply: CheckedContinuation<Void, any Error>) in
                if !connection.post(.unsubscribe(topic: consumer.filter, reply: reply)) { reply.resume() }
            }
        } catch {
            logger.debug("MQTT unsubscribe did not complete", metadata: ["topic": "\(consumer.topic)", "error": "\(error)"])
        }
    }

    @discardableResult
    private func remove(_ consumer: MQTTConsumer) -> Bool {
        state.withLock { $0.consumers.removeValue(forKey: consumer.id) != nil }
    }

    /// Runs on the connection thread: hands a delivery to every consumer of its
    /// topic; the PUBACK goes out once all of them settled it.
    private func route(_ delivery: MQTTDelivery) {
        let (consumers, connection) = state.withLock { state in
            (MQTTTransport.consumers(of: delivery.topic, among: Array(state.consumers.values)), state.connection)
        }
        let acknowledge: @Sendable () -> Void = {
            if let id = delivery.packetID { connection?.post(.puback(packetID: id, generation: delivery.generation)) }
        }
        guard !consumers.isEmpty else {
            if persistentSession, delivery.packetID != nil {
                // Its consumer is not there yet (or stopped): keep it unacknowledged.
                state.withLock { $0.waiting.append(delivery) }
                deliverWaiting()
            } else {
                acknowledge() // A late message for a cancelled consumer.
            }
            return
        }
        let countdown = MQTTSettlementCountdown(count: consumers.count, completion: acknowledge)
        for consumer in consumers { consumer.deliver(delivery, countdown: countdown) }
    }

    /// The consumers of a delivery's topic. RabbitMQ's MQTT plugin swaps `.`
    /// and `/` between MQTT topics and AMQP routing keys, and delivers a
    /// message published to `role.IN` as `role/IN`: when no consumer's topic
    /// is the delivered one exactly, one that differs only in `.` and `/` takes it.
    static func consumers(of topic: String, among consumers: [MQTTConsumer]) -> [MQTTConsumer] {
        let exact = consumers.filter { $0.topic == topic }
        guard exact.isEmpty else { return exact }
        let normalized = String(topic.map { $0 == "/" ? "." : $0 })
        return consumers.filter { String($0.topic.map { $0 == "/" ? "." : $0 }) == normalized }
    }

    /// Routes the waiting deliveries that have a consumer now.
    private func deliverWaiting() {
        let ready = state.withLock { state -> [MQTTDelivery] in
            let consumers = Array(state.consumers.values)
            let ready = state.waiting.filter { !MQTTTransport.consumers(of: $0.topic, among: consumers).isEmpty }
            state.waiting.removeAll { !MQTTTransport.consumers(of: $0.topic, among: consumers).isEmpty }
            return ready
        }
        for delivery in ready { route(delivery) }
    }

    func registerForwarder(_ forward: MQTTForward, start: () async throws -> any ConsumerHandle) async throws {
        if state.withLock({ $0.forwarders[forward] != nil }) { return }
        let handle = try await start()
        let duplicate = state.withLock { state -> Bool in
            if state.forwarders[forward] != nil { return true }
            state.forwarders[forward] = handle
            return false
        }
        if duplicate { await handle.cancel() }
    }

    func removeForwarder(_ forward: MQTTForward) async {
        let handle = state.withLock { $0.forwarders.removeValue(forKey: forward) }
        await handle?.cancel()
    }
}
