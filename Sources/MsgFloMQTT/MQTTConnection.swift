import Foundation
import Logging
#if canImport(Glibc)
import Glibc
import MsgFlo
import Primitives
#endif

/// One MQTT connection and the one thread that owns its socket.
///
/// Async callers post `MQTTCommand`s (with continuations) to a locked queue and
/// wake the thread through a pipe. The thread connects, retries with capped
/// jittered backoff, pings, and after a reconnect resubscribes every topic and
/// sends again every publish the broker had not acknowledged (at-least-once,
/// with the DUP flag), so callers only notice a delay.
final class MQTTConnection: @unchecked Sendable {
    private struct Shared {
        var commands: [MQTTCommand] = []
        var stopping = false
        var finished = false
    }

    /// A request on the wire waiting for its acknowledgement.
    private enum Pending {
        case publish(MQTTPublish, CheckedContinuation<Void, any Error>?)
        case subscribe(String, CheckedContinuation<Void, any Error>?)
        case unsubscribe(String, CheckedContinuation<Void, any Error>?)
    }

    let settings: MQTTConnectionSettings
    private let logger: Logger
    private let onDelivery: @Sendable (MQTTDelivery) -> Void
    private let shared = LockedState(Shared())
    private let wakeRead: Int32
    private let wakeWrite: Int32

    // Owned by the thread.
    private var socket: MQTTSocket?
    private var buffer: [UInt8] = []
    private var pending: [UInt16: Pending] = [:]
    private var subscriptions: Set<String> = []
    private var connectWaiters: [CheckedContinuation<Void, any Error>] = []
    private var generation = 0
    private var lastPacketID: UInt16 = 0
    private var lastSent = ContinuousClock.now
    private var lastReceived = ContinuousClock.now
    private var failures = 0
    private var nextAttempt = ContinuousClock.now

    init(settings: MQTTConnectionSettings, logger: Logger, onDelivery: @escaping @Sendable (MQTTDelivery) -> Void) {
        self.settings = settings
        self.logger = logger
        self.onDelivery = onDelivery
        var fds: [Int32] = [0, 0]
        if pipe(&fds) != 0 { fatalError("pipe() failed: \(String(cString: strerror(errno)))") }
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK) }
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "mqtt \(settings.brokerDescription)"
        thread.start()
    }

    /// Queues a command; false (and nothing queued) once the connection is stopping.
    @discardableResult
    func post(_ command: MQTTCommand) -> Bool {
        let accepted = shared.withLock { shared -> Bool in
            guard !shared.stopping else { return false }
            shared.commands.append(command)
            return true
        }
        if accepted { wake() }
        return accepted
    }

    /// Sends DISCONNECT, closes, and fails whatever is still waiting.
    func stop() {
        shared.withLock { $0.stopping = true }
        wake()
    }

    /// Whether the thread has exited.
    var isFinished: Bool { shared.withLock { $0.finished } }

    private func wake() {
        var byte: UInt8 = 1
        _ = Glibc.write(wakeWrite, &byte, 1)
    }

    // MARK: The thread

    private func run() {
        while !shared.withLock({ $0.stopping }) {
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
                logger.warning("MQTT connection lost; reconnecting", metadata: [
                    "broker": "\(settings.brokerDescription)", "reason": "\(error)"])
                dropSocket()
                nextAttempt = ContinuousClock.now
            }
        }
        shutDown()
    }

    private func attemptConnection() {
        do throws(MQTTConnectionFailure) {
            try establish()
            failures = 0
            generation += 1
            logger.info("MQTT connected", metadata: ["broker": "\(settings.brokerDescription)",
                                                    "clientID": "\(settings.clientID)"])
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
            let delay = settings.backoff.delay(afterFailures: failures, unit: Double.random(in: 0...1))
            failures += 1
            nextAttempt = ContinuousClock.now + delay
            logger.warning("MQTT connection attempt failed; retrying", metadata: [
                "broker": "\(settings.brokerDescription)", "reason": "\(failure)", "retryIn": "\(delay)"])
        }
    }

    /// TCP connect, CONNECT, and wait for CONNACK.
    private func establish() throws(MQTTConnectionFailure) {
        let socket = try MQTTSocket.connect(host: settings.host, port: settings.port, timeout: settings.connectTimeout)
        self.socket = socket
        buffer = []
        let connect = MQTTConnect(clientID: settings.clientID, cleanSession: true, keepAlive: UInt16(clamping: settings.keepAlive),
                                  username: settings.username, password: settings.password)
        try send(.connect(connect))
        let deadline = ContinuousClock.now + settings.connectTimeout
        while true {
            if let packet = try nextPacket() {
                guard case let .connack(_, code) = packet else {
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
            guard try waitReadable(until: deadline, wakeable: false) else { continue }
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
            case let .subscribe(topic, reply?): subscribeWaiters[topic, default: []].append(reply)
            case let .unsubscribe(_, reply?): reply.resume()  // a fresh session has no subscriptions
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
        for waiters in subscribeWaiters.values { for waiter in waiters { waiter.resume() } }  // unsubscribed meanwhile
        for (id, request) in old.sorted(by: { $0.key < $1.key }) {
            guard case let .publish(publish, reply) = request else { continue }
            var again = publish
            again.duplicate = true
            pending[id] = .publish(again, reply)
            try send(.publish(again))
        }
    }

    private func takeCommandsWhileDisconnected() {
        let commands = shared.withLock { shared -> [MQTTCommand] in
            defer { shared.commands = shared.commands.filter(\.waitsForConnection) }
            return shared.commands
        }
        for command in commands {
            switch command {
            case let .awaitConnected(reply): connectWaiters.append(reply)
            case .cancelConnectWaiters:
                for waiter in connectWaiters { waiter.resume(throwing: CancellationError()) }
                connectWaiters = []
            default: break  // PUBACKs of a lost connection are void; the rest waits for a connection.
            }
        }
    }

    private func sendCommands() throws(MQTTConnectionFailure) {
        let commands = shared.withLock { shared -> [MQTTCommand] in
            defer { shared.commands = [] }
            return shared.commands
        }
        for (index, command) in commands.enumerated() {
            do throws(MQTTConnectionFailure) {
                try send(command)
            } catch {
                // Keep the ones not yet sent for the next connection.
                // A QoS 0 publish that failed to write is not pending anywhere: it goes too.
                let rest = Array(commands[(command.isQoS0Publish ? index : index + 1)...])
                shared.withLock { $0.commands.insert(contentsOf: rest, at: 0) }
                throw error
            }
        }
    }

    private func send(_ command: MQTTCommand) throws(MQTTConnectionFailure) {
        switch command {
        case let .publish(topic, payload, qos, reply):
            if qos == 0 {
                try send(.publish(MQTTPublish(topic: topic, payload: payload)))
                reply.resume()
                return
            }
            let id = nextPacketID()
            let publish = MQTTPublish(topic: topic, payload: payload, qos: 1, packetID: id)
            pending[id] = .publish(publish, reply)
            try send(.publish(publish))
        case let .subscribe(topic, reply):
            subscriptions.insert(topic)
            let id = nextPacketID()
            pending[id] = .subscribe(topic, reply)
            try send(.subscribe(packetID: id, subscriptions: [MQTTSubscription(topic: topic, qos: 1)]))
        case let .unsubscribe(topic, reply):
            subscriptions.remove(topic)
            let id = nextPacketID()
            pending[id] = .unsubscribe(topic, reply)
            try send(.unsubscribe(packetID: id, topics: [topic]))
        case let .puback(packetID, generation):
            if generation == self.generation { try send(.puback(packetID: packetID)) }
        case let .awaitConnected(reply):
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
        if try waitReadable(until: min(pingDue, ContinuousClock.now + .seconds(1)), wakeable: true) {
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
        case let .publish(publish):
            guard publish.qos < 2 else { throw MQTTConnectionFailure("the broker sent a QoS 2 message; this client subscribes with QoS 1") }
            onDelivery(MQTTDelivery(topic: publish.topic, payload: publish.payload, packetID: publish.packetID,
                                    generation: generation, duplicate: publish.duplicate))
        case let .puback(id):
            if case let .publish(_, reply) = pending.removeValue(forKey: id) { reply?.resume() }
        case let .suback(id, codes):
            if case let .subscribe(topic, reply) = pending.removeValue(forKey: id) {
                if codes.first == 0x80 {
                    subscriptions.remove(topic)
                    let error = MQTTRefusal.subscription(topic: topic, broker: settings.brokerDescription)
                    if let reply { reply.resume(throwing: error) } else { logger.error("\(error.message)") }
                } else {
                    reply?.resume()
                }
            }
        case let .unsuback(id):
            if case let .unsubscribe(_, reply) = pending.removeValue(forKey: id) { reply?.resume() }
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

    /// Polls the socket (and the wake pipe); true when the socket is readable.
    private func waitReadable(until deadline: ContinuousClock.Instant, wakeable: Bool) throws(MQTTConnectionFailure) -> Bool {
        guard let socket else { return false }
        var fds = [pollfd(fd: socket.descriptor, events: Int16(POLLIN), revents: 0)]
        if wakeable { fds.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)) }
        let ready = poll(&fds, nfds_t(fds.count), milliseconds(until: deadline))
        if ready < 0 {
            if errno == EINTR { return false }
            throw MQTTConnectionFailure("poll failed: \(String(cString: strerror(errno)))")
        }
        if wakeable, fds[1].revents != 0 { drainWakes() }
        if fds[0].revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 { return true }
        return false
    }

    private func waitForWake(until deadline: ContinuousClock.Instant) {
        var fd = pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)
        if poll(&fd, 1, milliseconds(until: deadline)) > 0 { drainWakes() }
    }

    private func drainWakes() {
        var bytes = [UInt8](repeating: 0, count: 256)
        while bytes.withUnsafeMutableBytes({ Glibc.read(wakeRead, $0.baseAddress, $0.count) }) > 0 {}
    }

    private func milliseconds(until deadline: ContinuousClock.Instant) -> Int32 {
        let (seconds, attoseconds) = (deadline - ContinuousClock.now).components
        return Int32(clamping: max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
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
        let commands = shared.withLock { shared -> [MQTTCommand] in
            defer { shared.commands = []; shared.finished = true }
            return shared.commands
        }
        let gone = MQTTRefusal.closed(settings.brokerDescription)
        for command in commands {
            switch command {
            case let .publish(_, _, _, reply), let .subscribe(_, reply), let .unsubscribe(_, reply): reply.resume(throwing: gone)
            case let .awaitConnected(reply): reply.resume(throwing: gone)
            case .puback, .cancelConnectWaiters: break
            }
        }
        for request in pending.values {
            switch request {
            case let .publish(_, reply?), let .subscribe(_, reply?), let .unsubscribe(_, reply?): reply.resume(throwing: gone)
            default: break
            }
        }
        pending = [:]
        for waiter in connectWaiters { waiter.resume(throwing: gone) }
        connectWaiters = []
    }

    deinit {
        close(wakeRead)
        close(wakeWrite)
    }
}
