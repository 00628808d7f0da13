import Foundation
import Logging
import MsgFlo
import Primitives

#if canImport(Glibc)
    import Glibc
#endif

/// One MQTT connection and the one thread that owns its socket.
///
/// Async callers post `MQTTCommand`s (with continuations) to its `ThreadInbox`,
/// which wakes the thread. The thread connects, retries with capped jittered
/// backoff, pings, and after a reconnect resubscribes every topic and sends
/// again every publish the broker had not acknowledged (at-least-once, with
/// the DUP flag), so callers only notice a delay.
///
/// Unchecked Sendable: every stored `var` is confined to the connection's
/// thread; other threads only touch `inbox` (locked) and the `let`s.
final class MQTTConnection: @unchecked Sendable {
    /// A request on the wire waiting for its acknowledgement.
    private enum Pending {
        case publish(MQTTPublish, CheckedContinuation<Void, any Error>?)
        case subscribe(String, CheckedContinuation<Void, any Error>?)
        case unsubscribe(String, CheckedContinuation<Void, any Error>?)
    }

    let settings: MQTTConnectionSettings
    private let logger: Logger
    private let onDelivery: @Sendable (MQTTDelivery) -> Void
    private let inbox = ThreadInbox<MQTTCommand>()

    // Owned by the thread.
    /// Commands taken from the inbox that wait for a connection (or were not
    /// sent before one dropped), oldest first.
    private var backlog: [MQTTCommand] = []
    private var socket: MQTTSocket?
    private var buffer: [UInt8] = []
    private var pending: [UInt16: Pending] = [:]
    private var subscriptions: Set<String> = []
    private var connectWaiters: [CheckedContinuation<Void, any Error>] = []
    private var generation = 0
    private var lastPacketID: UInt16 = 0
    private var lastSent = ContinuousClock.now
    private var lastReceived = ContinuousClock.now
    private lazy var reconnect = ReconnectBackoff(backoff: settings.backoff, stableAfter: Self.stableConnection)
    private lazy var rotation = FailoverRotation(count: settings.endpoints.count)
    private var nextAttempt = ContinuousClock.now
    private var connectedAt = ContinuousClock.now
    /// A connection that lasted less than this counts as a failed attempt:
    /// a broker that accepts and then drops at once (a client id taken over
    /// by another process, a full broker) is retried with backoff, not in a loop.
    static let stableConnection: Duration = .seconds(10)

    init(settings: MQTTConnectionSettings, logger: Logger, onDelivery: @escaping @Sendable (MQTTDelivery) -> Void) {
        self.settings = settings
        self.logger = logger
        self.onDelivery = onDelivery
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "mqtt \(settings.brokerDescription)"
        thread.start()
    }

    /// Queues a command; false (and nothing queued) once the connection is stopping.
    @discardableResult
    func post(_ command: MQTTCommand) -> Bool {
        inbox.post(command)
    }

    /// Sends DISCONNECT, closes, and fails whatever is still waiting.
    func stop() {
        inbox.close()
    }

    // MARK: The thread

    private func run() {
        while !inbox.isClosed {
            if socket == nil {
                takeCommandsWhileDisconnected()
                let now = ContinuousClock.now
                if now < nextAttempt {
                    waitForWake(until: nextAttempt)
                    continue
                }
                attemptConnection()
                continue
            }
            do {
                try sendCommands()
                try pump()
                try keepAlive()
            } catch {
                logger.warning(
                    "MQTT connection lost; reconnecting",
                    metadata: [
                        "broker": "\(settings.brokerDescription)", "reason": "\(error)",
                    ])
                dropSocket()
                settleUnsubscribes()
                rotation.connectionLost()
                nextAttempt = ContinuousClock.now + reconnect.connectionLost(after: ContinuousClock.now - connectedAt)
            }
        }
        shutDown()
    }

    private func attemptConnection() {
        do throws(MQTTConnectionFailure) {
            try establish()
            connectedAt = ContinuousClock.now
            generation += 1
            rotation.connected()
            logger.info(
                "MQTT connected",
                metadata: [
                    "broker": "\(settings.brokerDescription)", "node": "\(settings.endpoints[rotation.current])",
                    "clientID": "\(settings.clientID)",
                ])
            try resumeSession()
            for waiter in connectWaiters { waiter.resume() }
            connectWaiters = []
        } catch {
            let failure = error
            dropSocket()
            if let refusal = failure.refusal, !connectWaiters.isEmpty, generation == 0 {
                // Never connected: a refusal is the caller's configuration, not a blip.
                for waiter in connectWaiters { waiter.resume(throwing: refusal) }
                connectWaiters = []
            }
            let node = settings.endpoints[rotation.current]
            // Another node of the URL at once while one is untried, else the backoff.
            let delay = rotation.delayAfterFailedAttempt(&reconnect)
            nextAttempt = ContinuousClock.now + delay
            logger.warning(
                "MQTT connection attempt failed; retrying",
                metadata: [
                    "broker": "\(settings.brokerDescription)", "node": "\(node)", "reason": "\(failure)", "retryIn": "\(delay)",
                ])
        }
    }

    /// TCP connect, CONNECT, and wait for CONNACK.
    private func establish() throws(MQTTConnectionFailure) {
        let node = settings.endpoints[rotation.current]
        var socket = try MQTTSocket.connect(host: node.host, port: node.port, timeout: settings.connectTimeout)
        if var tls = settings.tls {
            tls.host = node.host
            do throws(MQTTConnectionFailure) {
                try socket.startTLS(tls, timeout: settings.connectTimeout, broker: settings.brokerDescription)
            } catch {
                socket.close()
                throw error
            }
        }
        self.socket = socket
        buffer = []
        let connect = MQTTConnect(
            clientID: settings.clientID, cleanSession: settings.cleanSession, keepAlive: UInt16(clamping: settings.keepAlive),
            username: settings.username, password: settings.password)
        try send(.connect(connect))
        let deadline = ContinuousClock.now + settings.connectTimeout
        while true {
            if let packet = try nextPacket() {
                guard case .connack(_, let code) = packet else {
                    throw MQTTConnectionFailure("the broker sent \(packet) before CONNACK")
                }
                guard code == 0 else {
                    let refusal = MQTTRefusal.connection(returnCode: code, broker: settings.brokerDescription)
                    throw MQTTConnectionFailure(refusal.message, refusal: refusal.isTransient ? nil : refusal)
                }
                return
            }
            let now = ContinuousClock.now
            guard now < deadline else { throw MQTTConnectionFailure("no CONNACK within \(settings.connectTimeout)") }
            guard try waitReadable(until: deadline) else { continue }
            try socket.read(into: &buffer)
            lastReceived = ContinuousClock.now
        }
    }

    /// After (re)connecting: resubscribe, then send unacknowledged publishes again.
    private func resumeSession() throws(MQTTConnectionFailure) {
        let old = pending
        pending = [:]
        var subscribeWaiters: [String: [CheckedContinuation<Void, any Error>]] = [:]
        for (_, request) in old {
            switch request {
            case .subscribe(let topic, let reply?): subscribeWaiters[topic, default: []].append(reply)
            case .unsubscribe(_, let reply?): reply.resume() // a fresh session has no subscriptions
            default: break
            }
        }
        for topic in subscriptions.sorted() {
            let waiters = subscribeWaiters.removeValue(forKey: topic) ?? []
            let id = nextPacketID()
            pending[id] = .subscribe(topic, nil)
            try send(.subscribe(packetID: id, subscriptions: [MQTTSubscription(topic: topic, qos: 1)]))
            for waiter in waiters {
                let waiterID = nextPacketID()
                pending[waiterID] = .subscribe(topic, waiter)
                try send(.subscribe(packetID: waiterID, subscriptions: [MQTTSubscription(topic: topic, qos: 1)]))
            }
        }
        for waiters in subscribeWaiters.values { for waiter in waiters { waiter.resume() } } // unsubscribed meanwhile
        for (id, request) in old.sorted(by: { $0.key < $1.key }) {
            guard case .publish(let publish, let reply) = request else { continue }
            var again = publish
            again.duplicate = true
            pending[id] = .publish(again, reply)
            try send(.publish(again))
        }
    }

    /// Unsubscribes on the wire when the connection dropped are done: a
    /// fresh session does not resubscribe them.
    private func settleUnsubscribes() {
        for (id, request) in pending {
            guard case .unsubscribe(_, let reply) = request else { continue }
            pending[id] = nil
            reply?.resume()
        }
    }

    private func takeCommandsWhileDisconnected() {
        backlog += inbox.take()
        let commands = backlog
        backlog = commands.filter(\.waitsForConnection)
        for command in commands {
            switch command {
            case .unsubscribe(let topic, let reply):
                // Nothing to tell a broker that is away: the topic is just not
                // resubscribed. Waiting here would hold a stopping participant
                // (SIGTERM) until the broker came back.
                subscriptions.remove(topic)
                backlog.removeAll { if case .unsubscribe(topic, _) = $0 { true } else { false } }
                reply.resume()
            case .awaitConnected(let reply): connectWaiters.append(reply)
            case .cancelConnectWaiters:
                for waiter in connectWaiters { waiter.resume(throwing: CancellationError()) }
                connectWaiters = []
            default: break // PUBACKs of a lost connection are void; the rest waits for a connection.
            }
        }
    }

    private func sendCommands() throws(MQTTConnectionFailure) {
        let commands = backlog + inbox.take()
        backlog = []
        for (index, command) in commands.enumerated() {
            do throws(MQTTConnectionFailure) {
                try send(command)
            } catch {
                // Keep the ones not yet sent for the next connection.
                // A QoS 0 publish that failed to write is not pending anywhere: it goes too.
                backlog = Array(commands[(command.isQoS0Publish ? index : index + 1)...])
                throw error
            }
        }
    }

    private func send(_ command: MQTTCommand) throws(MQTTConnectionFailure) {
        switch command {
        case .publish(let topic, let payload, let qos, let reply):
            if qos == 0 {
                try send(.publish(MQTTPublish(topic: topic, payload: payload)))
                reply.resume()
                return
            }
            let id = nextPacketID()
            let publish = MQTTPublish(topic: topic, payload: payload, qos: 1, packetID: id)
            pending[id] = .publish(publish, reply)
            try send(.publish(publish))
        case .subscribe(let topic, let reply):
            subscriptions.insert(topic)
            let id = nextPacketID()
            pending[id] = .subscribe(topic, reply)
            try send(.subscribe(packetID: id, subscriptions: [MQTTSubscription(topic: topic, qos: 1)]))
        case .unsubscribe(let topic, let reply):
            subscriptions.remove(topic)
            let id = nextPacketID()
            pending[id] = .unsubscribe(topic, reply)
            try send(.unsubscribe(packetID: id, topics: [topic]))
        case .puback(let packetID, let generation):
            if generation == self.generation { try send(.puback(packetID: packetID)) }
        case .awaitConnected(let reply):
            reply.resume()
        case .cancelConnectWaiters:
            break
        }
    }

    private func send(_ packet: MQTTPacket) throws(MQTTConnectionFailure) {
        guard let socket else { throw MQTTConnectionFailure("not connected") }
        let bytes: [UInt8]
        do { bytes = try packet.encode() } catch { throw MQTTConnectionFailure("cannot encode a packet: \(error)") }
        try socket.write(bytes)
        lastSent = ContinuousClock.now
    }

    private func nextPacketID() -> UInt16 {
        repeat {
            lastPacketID = lastPacketID == UInt16.max ? 1 : lastPacketID + 1
        } while pending[lastPacketID] != nil
        return lastPacketID
    }

    /// Waits for bytes or a wake-up, then handles every complete packet.
    private func pump() throws(MQTTConnectionFailure) {
        guard let socket else { return }
        let pingDue = lastSent + .seconds(max(1, settings.keepAlive / 2))
        var ready = socket.hasBufferedInput
        if !ready { ready = try waitReadable(until: min(pingDue, ContinuousClock.now + .seconds(1))) }
        if ready {
            try socket.read(into: &buffer)
            lastReceived = ContinuousClock.now
        }
        while let packet = try nextPacket() { try handle(packet) }
    }

    private func nextPacket() throws(MQTTConnectionFailure) -> MQTTPacket? {
        do {
            guard let frame = try MQTTFrame.next(in: buffer[...], maximumSize: settings.maximumPacketSize) else { return nil }
            buffer.removeFirst(frame.consumed)
            return try MQTTPacket.decode(header: frame.header, body: frame.body)
        } catch {
            throw MQTTConnectionFailure("\(error)")
        }
    }

    private func handle(_ packet: MQTTPacket) throws(MQTTConnectionFailure) {
        switch packet {
        case .publish(let publish):
            guard publish.qos < 2 else { throw MQTTConnectionFailure("the broker sent a QoS 2 message; this client subscribes with QoS 1") }
            onDelivery(
                MQTTDelivery(
                    topic: publish.topic, payload: publish.payload, packetID: publish.packetID,
                    generation: generation, duplicate: publish.duplicate))
        case .puback(let id):
            if case .publish(_, let reply) = pending.removeValue(forKey: id) { reply?.resume() }
        case .suback(let id, let codes):
            if case .subscribe(let topic, let reply) = pending.removeValue(forKey: id) {
                if codes.first == 0x80 {
                    subscriptions.remove(topic)
                    let error = MQTTRefusal.subscription(topic: topic, broker: settings.brokerDescription)
                    if let reply { reply.resume(throwing: error) } else { logger.error("\(error.message)") }
                } else {
                    reply?.resume()
                }
            }
        case .unsuback(let id):
            if case .unsubscribe(_, let reply) = pending.removeValue(forKey: id) { reply?.resume() }
        case .pingresp:
            break
        default:
            throw MQTTConnectionFailure("unexpected packet from the broker: \(packet)")
        }
    }

    private func keepAlive() throws(MQTTConnectionFailure) {
        guard settings.keepAlive > 0 else { return }
        let now = ContinuousClock.now
        if now - lastReceived > .seconds(settings.keepAlive) * 1.5 {
            throw MQTTConnectionFailure("no answer from the broker for \(settings.keepAlive * 3 / 2) s")
        }
        if now - lastSent >= .seconds(max(1, settings.keepAlive / 2)) { try send(.pingreq) }
    }

    /// Sleeps until the socket is ready, a command is posted or `deadline`;
    /// true when the socket is ready.
    private func waitReadable(until deadline: ContinuousClock.Instant) throws(MQTTConnectionFailure) -> Bool {
        guard let socket else { return false }
        switch inbox.wait(socket: socket.descriptor, timeout: deadline - .now) {
        case .socketReady: return true
        case .posted, .timedOut, .interrupted: return false
        case .failed(let code): throw MQTTConnectionFailure("poll failed: \(String(cString: strerror(code)))")
        }
    }

    private func waitForWake(until deadline: ContinuousClock.Instant) {
        inbox.wait(timeout: deadline - .now)
    }

    private func dropSocket() {
        socket?.close()
        socket = nil
        buffer = []
    }

    private func shutDown() {
        if socket != nil {
            try? send(.disconnect)
            dropSocket()
        }
        // The inbox is closed: nothing more can arrive.
        let commands = backlog + inbox.take()
        backlog = []
        let gone = MQTTRefusal.closed(settings.brokerDescription)
        for command in commands {
            switch command {
            case .publish(_, _, _, let reply), .subscribe(_, let reply), .unsubscribe(_, let reply): reply.resume(throwing: gone)
            case .awaitConnected(let reply): reply.resume(throwing: gone)
            case .puback, .cancelConnectWaiters: break
            }
        }
        for request in pending.values {
            switch request {
            case .publish(_, let reply?), .subscribe(_, let reply?), .unsubscribe(_, let reply?): reply.resume(throwing: gone)
            default: break
            }
        }
        pending = [:]
        for waiter in connectWaiters { waiter.resume(throwing: gone) }
        connectWaiters = []
    }
}
