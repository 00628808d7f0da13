import Foundation
import HTTPServer
import Logging
import MsgFlo
import MsgFloGraph
import PlatformClients
import Primitives
import ServiceLifecycle

/// The I/O shell around a `RuntimeCoordinator`: what `msgflo runtime` (and
/// `imageresize web` with `MSGFLO_RUNTIME_SECRET`) runs.
///
/// One task owns the coordinator and feeds it every input in arrival order:
/// WebSocket frames and (dis)connections (`serve`), announcements from the
/// `fbp` queue, messages seen by taps, process exits, a tick every second and
/// queue figures every 2 s. Whatever it answers goes out at once: messages
/// into each client's queue (written by that client's own task, so a slow
/// client never holds up the others), actions into three ordered lanes that
/// carry them out (broker: bind, unbind, publish, taps; processes; saves). An
/// action that fails comes back as `RuntimeInput.actionFailed`.
///
/// A `Service`: on graceful shutdown the clients are closed, the taps
/// cancelled (their queues go with them), the processes it started stopped
/// (SIGTERM, then SIGKILL after 10 s) and the transport disconnected.
public final class RuntimeHost: Service, Sendable {
    /// What one runtime runs with (the `msgflo runtime` options).
    public struct Options: Sendable {
        public var configuration: RuntimeConfiguration
        public var library: ComponentLibrary
        public var graphs: [RuntimeGraph]
        /// The graph `getruntime` reports; the first graph when nil.
        public var mainGraph: String?
        /// Enforce the graphs at launch (bind, send initial packets, start
        /// processes), as `msgflo setup` would; otherwise a client's network:start does.
        public var startNetworks = true
        /// Time to read the discovery backlog before the graphs are bound, so the
        /// first bindings use announced queue names rather than the convention.
        public var discoveryGrace: Duration = .seconds(2)
        public var tickInterval: Duration = .seconds(1)
        public var statsInterval: Duration = .seconds(2)
        /// Most messages a tap's queue holds on the broker; beyond, the oldest are dropped.
        public var tapBacklog = 1000
        /// How often messages seen by taps are handed to the coordinator, in one burst.
        public var tapFlushInterval: Duration = .milliseconds(50)

        public init(
            configuration: RuntimeConfiguration, library: ComponentLibrary = ComponentLibrary(),
            graphs: [RuntimeGraph], mainGraph: String? = nil
        ) {
            self.configuration = configuration
            self.library = library
            self.graphs = graphs
            self.mainGraph = mainGraph
        }
    }

    public let options: Options
    let transport: any BrokerTransport
    let stats: (any QueueStatsSource)?
    let launcher: ParticipantLauncher?
    let logger: Logger
    let clients: ClientRegistry
    let inputs: AsyncStream<RuntimeInput>
    let inputContinuation: AsyncStream<RuntimeInput>.Continuation
    let lanes = ActionLanes()
    let taps = TapInbox()
    /// The coordinator's state after the last input, for tests and diagnostics.
    let latest: LockedState<RuntimeCoordinator>

    /// - Parameters:
    ///   - transport: not yet connected; the host connects and disconnects it.
    ///   - stats: the RabbitMQ management API, or nil (MQTT): edges then carry no figures.
    ///   - brokerURL: what started processes get as `MSGFLO_BROKER` (with its
    ///     password); needed only with `manageParticipants`.
    ///   - processOutput: where their output goes, each line prefixed with its role.
    public init(
        options: Options, transport: any BrokerTransport, stats: (any QueueStatsSource)?,
        brokerURL: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        processOutput: FileHandle = .standardOutput, logger: Logger = Logger(label: "msgflo.runtime")
    ) {
        self.options = options
        self.transport = transport
        self.stats = stats
        self.logger = logger
        clients = ClientRegistry(logger: logger)
        (inputs, inputContinuation) = AsyncStream.makeStream(of: RuntimeInput.self)
        latest = LockedState(
            RuntimeCoordinator(
                configuration: options.configuration, library: options.library,
                graphs: options.graphs, mainGraph: options.mainGraph))
        if options.configuration.manageParticipants {
            let continuation = inputContinuation
            launcher = ParticipantLauncher(
                brokerURL: brokerURL ?? BrokerURL.defaultURL, environment: environment,
                logger: logger, output: processOutput
            ) { role, status in
                continuation.yield(.processExited(role: role, status: status))
            }
        } else {
            launcher = nil
        }
    }

    /// Hands one input to the coordinator (in order with every other input).
    func input(_ input: RuntimeInput) {
        inputContinuation.yield(input)
    }

    /// The coordinator as of the last input handled.
    public var coordinator: RuntimeCoordinator { latest.withLock { $0 } }

    /// Connected WebSocket clients.
    public var clientCount: Int { clients.count }

    // MARK: Service

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await self.transport.connect() }
        } catch is CancellationError {
            await transport.disconnect()
            return
        }
        let discovery = DiscoveryListener(
            transport: transport, expiry: options.configuration.participantExpiry,
            logger: logger,
            onEvent: { [inputContinuation] result in
                switch result {
                case .added(let entry), .updated(let entry, _):
                    inputContinuation.yield(.discovered(entry.definition, announcedAt: entry.lastSeen))
                case .rejected:
                    break
                }
            })
        do {
            try await discovery.start()
        } catch {
            logger.error("cannot consume the discovery queue", metadata: ["queue": "\(DiscoveryMessage.queue)", "error": "\(error)"])
            await transport.disconnect()
            throw error
        }
        logger.info(
            "runtime ready",
            metadata: [
                "id": "\(options.configuration.id)", "graphs": "\(options.graphs.map(\.id).joined(separator: ","))",
                "secret": "\(options.configuration.secret == nil ? "none" : "set")",
            ])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.coordinate() }
            group.addTask { await self.runBrokerLane() }
            group.addTask { await self.runProcessLane() }
            group.addTask { await self.runSaveLane() }
            await withTaskGroup(of: Void.self) { timers in
                timers.addTask { await self.repeatedly(every: self.options.tickInterval) { self.input(.tick) } }
                timers.addTask { await self.repeatedly(every: self.options.tapFlushInterval) { self.flushTaps() } }
                if let stats = self.stats {
                    timers.addTask { await self.pollQueueStats(stats) }
                }
                if self.options.startNetworks {
                    timers.addTask {
                        do { try await Task.sleep(for: self.options.discoveryGrace) } catch { return }
                        for graph in self.options.graphs { self.input(.startNetwork(graph: graph.id)) }
                    }
                }
                // Until SIGTERM (in a ServiceGroup) or cancellation.
                try? await gracefulShutdown()
                timers.cancelAll()
            }
            logger.info("runtime shutting down")
            await clients.closeAll()
            inputContinuation.finish()
        }
        await discovery.stop()
        if let launcher { await launcher.stopAll() }
        await transport.disconnect()
        logger.info("runtime stopped")
    }

    /// The one owner of the coordinator: each input in arrival order, its
    /// outputs dispatched before the next. Ends when the inputs end (shutdown),
    /// and then ends the lanes.
    func coordinate() async {
        var coordinator = latest.withLock { $0 }
        for await input in inputs {
            let outputs = coordinator.handle(input, at: Date())
            for output in outputs {
                switch output {
                case .send(let client, let message):
                    clients.send(message.text, to: client)
                case .perform(let action):
                    lanes.enqueue(action)
                }
            }
            // Not after a tapped message: the snapshot would share the coordinator's
            // storage and make the next message copy it (a hot edge brings thousands a second).
            if case .tapped = input { continue }
            latest.withLock { $0 = coordinator }
        }
        lanes.finish()
    }

    /// Hands what the taps gathered to the coordinator, in arrival order.
    func flushTaps() {
        let (messages, dropped) = taps.drain()
        if dropped > 0 {
            logger.warning("messages seen by taps dropped: the runtime fell behind", metadata: ["dropped": "\(dropped)"])
        }
        for message in messages { input(.tapped(exchange: message.exchange, body: message.body)) }
    }

    private func repeatedly(every interval: Duration, _ body: @Sendable () -> Void) async {
        while true {
            do { try await Task.sleep(for: interval) } catch { return }
            body()
        }
    }

    /// Reads every queue's figures every `statsInterval`. While the API cannot
    /// be read, the edges lose their figures (unknown, not stale), and the
    /// problem is logged once per outage.
    private func pollQueueStats(_ source: any QueueStatsSource) async {
        var failing = false
        while !Task.isCancelled {
            do {
                let all = try await source.queueStats()
                input(.queueStats(Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })))
                if failing { logger.info("queue statistics readable again") }
                failing = false
            } catch is CancellationError {
                return
            } catch {
                if !failing { logger.warning("cannot read queue statistics; edges show no depth or rate", metadata: ["error": "\(error)"]) }
                failing = true
                input(.queueStats([:]))
            }
            do { try await Task.sleep(for: options.statsInterval) } catch { return }
        }
    }
}
