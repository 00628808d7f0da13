import ArgumentParser
import Foundation
import Logging
import MsgFlo
import MsgFloGraph
import MsgFloRuntime
import PlatformClients
import Primitives
import ServiceLifecycle

struct SetupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Apply a graph as broker bindings; optionally start its participants and keep them running.")

    @OptionGroup var broker: BrokerOptions
    @Argument(help: "Graph file (.fbp or .json).") var graph: String
    @Option(help: "Component library (components to commands).") var library = "graphs/components.json"
    @Flag(help: "Also start the participants of the graph (commands from the component library).") var participants = false
    @Option(help: "Only these roles (repeatable or comma-separated).") var only: [String] = []
    @Option(help: "Leave out these roles (repeatable or comma-separated).") var ignore: [String] = []
    @Flag(help: "Take queue names from discovery messages instead of the naming convention.") var discover = false
    @Option(help: "Seconds to listen for discovery with --discover.") var discoverTimeout: Double = 30
    @Flag(help: "Keep running (and the participants with it) until SIGTERM/SIGINT.") var forever = false
    @Flag(help: "Remove the graph's bindings instead of adding them (queues and exchanges stay).") var remove = false
    @Option(
        help:
            "RabbitMQ management API, for the policy that bounds the fbp discovery queue (else RABBITMQ_MANAGEMENT_URL, or derived from the broker URL)."
    )
    var managementURL: String?

    func run() async throws {
        MsgFloCommand.bootstrapLogging()
        let logger = Logger(label: "msgflo.setup")
        let graph = try Graph.load(path: graph)
        let filter = RoleFilter.parse(only: only, ignore: ignore)
        let processes = try filter.participants(of: graph)
        if try [.mqtt, .mqtts].contains(broker.url().scheme), !remove, !forever, !participants {
            throw UserError("MQTT has no broker-side bindings: msgflo setup forwards them itself while it runs; add --forever")
        }
        var children: [ParticipantLauncher.Child] = []
        if participants {
            let library = try ComponentLibrary.load(path: library)
            children = try processes.map { process in
                ParticipantLauncher.Child(role: process.name, command: try library.command(for: process, in: graph))
            }
        }
        // Supervised: a participant that exits by itself is restarted with the local formation's backoff.
        let launcher = children.isEmpty ? nil : ParticipantLauncher(brokerURL: broker.rawURL(), logger: logger, restart: RestartBackoff())
        let run = SetupRun(
            command: self, graph: graph, filter: filter, roles: Set(processes.map(\.name)),
            children: children, launcher: launcher, keepRunning: forever || launcher != nil, logger: logger)
        // In the service group from the start, so SIGTERM at any point stops the participants already started.
        try await ProcessLifecycle.run([run], logger: logger)
    }

    /// A binding is applied when one of its ends belongs to a selected role.
    func relevant(_ binding: Binding, graph: Graph, filter: RoleFilter) -> Bool {
        if filter.only == nil && filter.ignore.isEmpty { return true }
        let roles = graph.processes.map(\.name).filter(filter.includes)
        return roles.contains { role in
            binding.source.hasPrefix(role + ".") || binding.target.hasPrefix(role + ".")
                || binding.source.hasPrefix(role + "/") || binding.target.hasPrefix(role + "/")
        }
    }

    func discoverParticipants(transport: any BrokerTransport, roles: Set<String>, logger: Logger) async throws -> [ParticipantDefinition] {
        let listener = DiscoveryListener(transport: transport)
        try await listener.start()
        let deadline = ContinuousClock.now.advanced(by: .seconds(discoverTimeout))
        while ContinuousClock.now < deadline {
            let seen = Set(listener.registry.participants.map(\.definition.role))
            if roles.isSubset(of: seen) { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        await listener.stop()
        let found = listener.registry.participants.map(\.definition)
        let missing = roles.subtracting(found.map(\.role))
        if !missing.isEmpty {
            logger.warning(
                "no discovery from some roles; using the naming convention for them",
                metadata: ["roles": "\(missing.sorted().joined(separator: ","))"])
        }
        return found
    }

    /// Bounds the `fbp` queue with a broker policy (RabbitMQ only). Not fatal:
    /// the bindings are what setup is for; without the policy the queue only
    /// grows while no coordinator reads it.
    func applyDiscoveryPolicy(logger: Logger) async {
        guard let scheme = try? broker.url().scheme, scheme == .amqp || scheme == .amqps else { return }
        do {
            let endpoint = try ManagementEndpoint.resolve(
                flag: managementURL, broker: broker.rawURL(),
                environment: ProcessInfo.processInfo.environment)
            try await DiscoveryQueuePolicy.apply(with: RabbitMQManagementClient(endpoint: endpoint, http: URLSessionHTTPClient(timeout: 10)))
            say("policy \(DiscoveryQueuePolicy.name): queue \(DiscoveryMessage.queue) holds at most \(DiscoveryQueuePolicy.maxLength) announcements")
        } catch {
            logger.warning(
                "could not bound the discovery queue with a policy; it grows while no coordinator reads it",
                metadata: ["policy": "\(DiscoveryQueuePolicy.name)", "error": "\(error)"])
        }
    }

    func sendInitialPackets(graph: Graph, filter: RoleFilter, resolver: any QueueResolving, transport: any BrokerTransport) async throws {
        for process in graph.processes where filter.includes(process.name) {
            for packet in graph.initialPackets(for: process.name) {
                let queue = try resolver.queue(role: process.name, port: packet.port, direction: .inport)
                try await transport.publish(queue: queue, body: packet.data.encoded())
                say("sent initial packet to \(queue)")
            }
        }
    }
}

/// `msgflo setup` as a service: connect, start the participants, apply the
/// bindings, send the initial packets; with `--forever` or `--participants`
/// then wait for SIGTERM/SIGINT. However it ends (shutdown, an error, at
/// once without `--forever`), the participants it started are stopped
/// (SIGTERM, SIGKILL after the grace) and the transport disconnected.
struct SetupRun: Service {
    let command: SetupCommand
    let graph: Graph
    let filter: RoleFilter
    let roles: Set<String>
    let children: [ParticipantLauncher.Child]
    let launcher: ParticipantLauncher?
    let keepRunning: Bool
    let logger: Logger

    func run() async throws {
        let transport = try command.broker.transport()
        do {
            // A shutdown while connecting or starting participants cancels that work.
            try await cancelWhenGracefulShutdown { [self] in try await setUp(transport) }
            if keepRunning { try? await gracefulShutdown() }
        } catch is CancellationError {
            logger.info("setup interrupted by shutdown")
        } catch {
            await tearDown(transport)
            throw error
        }
        await tearDown(transport)
    }

    private func setUp(_ transport: any BrokerTransport) async throws {
        try await transport.connect()
        // Discovery needs the participants running; otherwise the queues are
        // declared first, so participants find them with the graph's queue
        // types (a participant follows the type its queue already has).
        if command.discover { try await startChildren() }
        var resolver: any QueueResolving = ConventionalQueues()
        if command.discover {
            resolver = DiscoveredQueues(try await command.discoverParticipants(transport: transport, roles: roles, logger: logger))
        }
        let bindings = try BindingPlan.bindings(for: graph, queues: resolver)
            .filter { binding in command.relevant(binding, graph: graph, filter: filter) }
        let queueTypes = try QueueTypePlan.types(
            for: graph, queues: resolver, deploymentDefault: transport.options.queueType)
        let steps =
            command.remove
            ? TopologyPlan.removalSteps(for: bindings)
            : TopologyPlan.setupSteps(
                for: bindings, endpoints: command.discover ? .assumeExisting : .declareLikeParticipants, queueTypes: queueTypes)
        try await transport.execute(steps)
        for binding in bindings { say("\(command.remove ? "removed" : "bound") \(binding.summary)") }
        if !command.discover { try await startChildren() }
        if !command.remove {
            try await command.sendInitialPackets(graph: graph, filter: filter, resolver: resolver, transport: transport)
            await command.applyDiscoveryPolicy(logger: logger)
        }
    }

    private func startChildren() async throws {
        guard let launcher else { return }
        for child in children { try await launcher.start(child) }
    }

    private func tearDown(_ transport: any BrokerTransport) async {
        await launcher?.stopAll()
        await transport.disconnect()
    }
}
