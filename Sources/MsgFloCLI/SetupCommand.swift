import ArgumentParser
import Foundation
import Logging
import MsgFlo
import Primitives
import MsgFloGraph

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

    func run() async throws {
        MsgFloCommand.bootstrapLogging()
        let logger = Logger(label: "msgflo.setup")
        let graph = try Graph.load(path: graph)
        let filter = RoleFilter.parse(only: only, ignore: ignore)
        let processes = try filter.participants(of: graph)
        let roles = Set(processes.map(\.name))
        if try broker.url().scheme == .mqtt, !remove, !forever, !participants {
            throw UserError("MQTT has no broker-side bindings: msgflo setup forwards them itself while it runs; add --forever")
        }
        let transport = try await broker.connect()

        var resolver: any QueueResolving = ConventionalQueues()
        var launcher: ParticipantLauncher?
        if participants {
            let library = try ComponentLibrary.load(path: library)
            let commands = try processes.map { process in
                ParticipantLauncher.Child(role: process.name, command: try library.command(for: process, in: graph))
            }
            let started = ParticipantLauncher(brokerURL: broker.rawURL(), logger: logger)
            launcher = started
            for child in commands { try await started.start(child) }
        }
        if discover {
            resolver = DiscoveredQueues(try await discoverParticipants(transport: transport, roles: roles, logger: logger))
        }
        let bindings = try BindingPlan.bindings(for: graph, queues: resolver)
            .filter { binding in relevant(binding, graph: graph, filter: filter) }
        let steps = remove ? TopologyPlan.removalSteps(for: bindings)
            : TopologyPlan.setupSteps(for: bindings, endpoints: discover ? .assumeExisting : .declareLikeParticipants)
        try await transport.execute(steps)
        for binding in bindings { say("\(remove ? "removed" : "bound") \(binding.summary)") }
        if !remove { try await sendInitialPackets(graph: graph, filter: filter, resolver: resolver, transport: transport) }

        if forever || launcher != nil {
            _ = await ShutdownSignal.wait()
            await launcher?.stopAll()
        }
        await transport.disconnect()
    }

    /// A binding is applied when one of its ends belongs to a selected role.
    func relevant(_ binding: Binding, graph: Graph, filter: RoleFilter) -> Bool {
        if filter.only == nil && filter.ignore.isEmpty { return true }
        let roles = graph.processes.map(\.name).filter(filter.includes)
        return roles.contains { role in binding.source.hasPrefix(role + ".") || binding.target.hasPrefix(role + ".")
            || binding.source.hasPrefix(role + "/") || binding.target.hasPrefix(role + "/") }
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
            logger.warning("no discovery from some roles; using the naming convention for them",
                           metadata: ["roles": "\(missing.sorted().joined(separator: ","))"])
        }
        return found
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
