import Foundation
import Logging
import Primitives

/// A worker process's connection to a msgflo network: consumes its inports,
/// lets a handler send on its outports, announces itself for discovery.
///
/// The handler never sees the broker delivery. The runtime acks once the
/// handler returned and every send it started was confirmed. When the handler
/// throws (or a send fails) the failure decides: a transient one (a
/// `RetryableError`, a `TransportError` with `isTransient`) requeues the
/// message after a delay, within `ParticipantConfiguration.retryBudget`; a
/// permanent one, or a spent budget, sends `{"error", "code", "input"}` on the
/// `error` outport, if there is one, and rejects the message without requeue
/// (to `dead-<queue>` when bound). So a message is settled exactly once, none
/// comes back forever, and a handler error never takes the process down.
///
/// Run it as a `Service` (swift-service-lifecycle): `run()` starts it, and a
/// graceful shutdown (SIGTERM in a `ServiceGroup`) stops taking messages,
/// drains the running handlers and disconnects.
public final class Participant: Sendable {
    /// Handles one JSON message (a body that is not JSON arrives as a string).
    public typealias Handler = @Sendable (_ inport: String, _ message: JSONValue, _ output: Output) async throws -> Void
    /// Handles one message as bytes, for bodies that are not JSON or must not be re-encoded.
    public typealias RawHandler = @Sendable (_ inport: String, _ message: IncomingMessage, _ output: Output) async throws -> Void

    public let definition: ParticipantDefinition
    public let configuration: ParticipantConfiguration
    public let transport: any MessageTransport
    private let handler: RawHandler
    let logger: Logger
    private let inFlight = InFlightCounter()
    private let retries: RetryLedger

    private struct RunState {
        var consumers: [any ConsumerHandle] = []
        var discovery: Task<Void, Never>?
        var started = false
        /// Set by `stop()`: deliveries that arrive later are handed back unprocessed.
        var stopping = false
        /// Fired by `stop()`, so handlers waiting out a retry delay give their message back.
        var stopLatch = StopLatch()
    }

    private let runState = LockedState(RunState())

    /// A participant that handles bytes. Pass the closure with its `rawHandler:`
    /// label; a trailing closure picks the JSON initializer.
    @_disfavoredOverload
    public init(
        definition: ParticipantDefinition, transport: any MessageTransport,
        configuration: ParticipantConfiguration = ParticipantConfiguration(),
        logger: Logger = Logger(label: "msgflo.participant"), rawHandler: @escaping RawHandler
    ) {
        self.definition = definition
        self.transport = transport
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "participant"] = "\(definition.id)"
        self.logger = logger
        self.handler = rawHandler
        let budget = configuration.retryBudget
        self.retries = RetryLedger(expiry: budget.window + budget.maximumDelay * 2)
    }

    /// A participant that handles JSON messages (the common case).
    public convenience init(
        definition: ParticipantDefinition, transport: any MessageTransport,
        configuration: ParticipantConfiguration = ParticipantConfiguration(),
        logger: Logger = Logger(label: "msgflo.participant"), handler: @escaping Handler
    ) {
        self.init(definition: definition, transport: transport, configuration: configuration, logger: logger) { inport, message, output in
            try await handler(inport, message.json, output)
        }
    }

    /// Handlers running now.
    public var inFlightCount: Int { inFlight.count }

    /// True from the start of `stop()` until the next `start()`.
    var isStopping: Bool { runState.withLock { $0.stopping } }

    /// Messages handled at once per inport: the configuration's, else the transport's default.
    public var prefetch: Int { configuration.prefetch ?? transport.options.prefetch }

    /// Connects, declares every port (hidden ones too), announces itself and
    /// starts consuming. Returns once messages can arrive.
    public func start() async throws {
        runState.withLock { state in
            state.stopping = false
            if state.stopLatch.isFired { state.stopLatch = StopLatch() }
        }
        do {
            try await transport.connect()
            for port in definition.outports {
                try await transport.declareOutport(exchange: port.queue, options: PortOptions(persistent: port.isPersistent))
            }
            for port in definition.inports {
                try await transport.declareInport(queue: port.queue, options: PortOptions(persistent: port.isPersistent))
            }
            await declareDiscoveryQueue()
            await sendDiscovery()
            var handles: [any ConsumerHandle] = []
            for port in definition.inports {
                let inport = port.id
                handles.append(
                    try await transport.consume(queue: port.queue, prefetch: prefetch, sharedBy: definition.role) { [self] message in
                        await self.process(message, inport: inport)
                    })
            }
            let discovery = Task { [self] in
                let interval = UInt64(configuration.discoveryInterval * 1_000_000_000)
                while !Task.isCancelled {
                    do { try await Task.sleep(nanoseconds: interval) } catch { return }
                    await self.sendDiscovery()
                }
            }
            runState.withLock { state in
                state.consumers = handles
                state.discovery = discovery
                state.started = true
            }
            logger.info(
                "participant started",
                metadata: [
                    "role": "\(definition.role)", "component": "\(definition.component)",
                    "inports": "\(definition.inports.map(\.queue).joined(separator: ","))",
                    "outports": "\(definition.outports.map(\.queue).joined(separator: ","))",
                    "prefetch": "\(prefetch)",
                ])
        } catch {
            if error is CancellationError {
                logger.info("participant stopped before it started")
            } else {
                logger.error("participant failed to start", metadata: ["error": "\(error)"])
            }
            await transport.disconnect()
            throw error
        }
    }

    /// Stops consuming, waits up to `drainGrace` for in-flight handlers, then
    /// disconnects; messages still unsettled then are redelivered by the broker.
    public func stop() async {
        let (consumers, discovery, latch) = runState.withLock { state in
            defer {
                state.consumers = []
                state.discovery = nil
                state.started = false
                state.stopping = true
            }
            return (state.consumers, state.discovery, state.stopLatch)
        }
        latch.fire()
        discovery?.cancel()
        for consumer in consumers { await consumer.cancel() }
        let waiting = inFlight.count
        if waiting > 0 {
            logger.info("participant draining", metadata: ["inFlight": "\(waiting)", "grace": "\(configuration.drainGrace)"])
        }
        let drained = await inFlight.waitUntilIdle(timeout: configuration.drainGrace)
        if !drained {
            logger.warning(
                "participant drain grace expired; unsettled messages will be redelivered",
                metadata: ["inFlight": "\(inFlight.count)"])
        }
        await transport.disconnect()
        logger.info("participant stopped")
    }

    /// Declares the durable `fbp` queue (plain, no arguments) before the first
    /// announcement, as msgflo-nodejs does: on a fresh broker a message to a
    /// queue nobody declared is dropped, and no coordinator would ever learn
    /// of this participant. Its length is bounded by a broker policy that
    /// `msgflo setup` applies, not by arguments, so every library's plain
    /// declaration matches. A refusal (the queue exists with other arguments)
    /// is logged, not fatal: the announcement still reaches the queue that exists.
    func declareDiscoveryQueue() async {
        do {
            try await transport.declareQueue(DiscoveryMessage.queue, options: PortOptions())
        } catch {
            logger.warning(
                "could not declare the discovery queue; announcing anyway",
                metadata: [
                    "queue": "\(DiscoveryMessage.queue)", "error": "\(error)",
                ])
        }
    }

    /// Announces the participant on the discovery queue; failures are logged, not fatal.
    public func sendDiscovery() async {
        do {
            try await transport.publish(queue: DiscoveryMessage.queue, body: DiscoveryMessage(participant: definition).encoded())
            logger.debug("discovery sent")
        } catch {
            logger.warning("discovery send failed", metadata: ["error": "\(error)"])
        }
    }

    /// Runs the handler for one delivery and decides its settlement.
    func process(_ message: IncomingMessage, inport: String) async -> Settlement {
        inFlight.enter()
        defer { inFlight.leave() }
        let (stopping, latch) = runState.withLock { ($0.stopping, $0.stopLatch) }
        if message.redelivered, let limit = configuration.deliveryLimit, let counting = transport as? any OptionsPublishing {
            return await countUnsettledDelivery(message, inport: inport, limit: limit, transport: counting, latch: latch)
        }
        if stopping {
            // Delivered while stopping: another instance (or our next start) takes it.
            return await giveBack(message)
        }
        let output = Output(transport: transport, outports: definition.outports)
        var failure: (any Error)?
        do {
            try await handler(inport, message, output)
        } catch {
            failure = error
        }
        let sendFailures = await output.close()
        if failure == nil { failure = sendFailures.first }
        guard let failure else {
            retries.forget(RetryLedger.Key(queue: message.queue, body: message.body))
            logger.debug("message processed", metadata: ["inport": "\(inport)", "redelivered": "\(message.redelivered)"])
            return .ack
        }
        let key = RetryLedger.Key(queue: message.queue, body: message.body)
        switch FailureKind(failure, cancelled: Task.isCancelled) {
        case .interrupted:
            logger.info("handler cancelled; message requeued", metadata: ["inport": "\(inport)"])
            return await giveBack(message)
        case .transient(let suggestedDelay):
            let entry = retries.recordFailure(key)
            let decision = configuration.retryBudget.decide(
                failures: entry.failures, elapsed: .now - entry.firstFailure,
                suggestedDelay: suggestedDelay, unit: Double.random(in: 0...1))
            switch decision {
            case .retry(let delay):
                logger.warning(
                    "handler failed transiently; message requeued",
                    metadata: [
                        "inport": "\(inport)", "error": "\(failure)", "retry": "\(entry.failures)", "retry_in": "\(delay)",
                    ])
                await latch.sleep(for: delay)
                return await giveBack(message)
            case .giveUp(let failures, let elapsed):
                retries.forget(key)
                let seconds = Int(elapsed / .seconds(1))
                return await reject(
                    message, inport: inport, code: "retries_exhausted",
                    error: "failed transiently \(failures) times in \(seconds) s, retry budget spent: \(failure)")
            }
        case .permanent:
            retries.forget(key)
            return await reject(message, inport: inport, code: FailureKind.code(of: failure), error: "\(failure)")
        }
    }

    /// Sends `{"error", "code", "input"}` on the error port (when there is one) and rejects the message.
    func reject(_ message: IncomingMessage, inport: String, code: String?, error: String) async -> Settlement {
        logger.warning(
            "handler failed; message rejected",
            metadata: [
                "inport": "\(inport)", "error": "\(error)", "code": "\(code ?? "-")",
            ])
        if let errorPort = definition.outport("error") {
            var payload: [String: JSONValue] = ["error": .string(error), "input": message.json]
            if let code { payload["code"] = .string(code) }
            do {
                try await transport.publish(exchange: errorPort.queue, body: JSONValue.object(payload).encoded())
            } catch {
                logger.warning("error port send failed", metadata: ["error": "\(error)"])
            }
        }
        return .reject
    }
}
