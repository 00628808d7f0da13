import Foundation
import MsgFlo
import MsgFloGraph
import PlatformClients

/// The MsgFlo FBP runtime without I/O: the coordinator the reference `msgflo`
/// command is, as a value and one function.
///
/// It holds the graphs (desired state, several, one of them main), the
/// component library, the live participants (actual state, from discovery)
/// and each client's selections. `handle(_:at:)` takes one input (a client's
/// frame, a discovery message, a tapped message, a tick...) and returns the
/// messages to send and the actions for the shell (bind, publish, tap, start
/// a process, save). Everything it decides is therefore table-testable, and
/// the shell around it stays a thin loop over sockets.
public struct RuntimeCoordinator: Sendable {
    public let configuration: RuntimeConfiguration
    public let library: ComponentLibrary
    /// The graph `getruntime` reports and exported ports refer to.
    public internal(set) var mainGraph: String
    public internal(set) var registry: ParticipantRegistry
    var slots: [String: GraphSlot] = [:]
    /// Graph ids in the order they were added, for stable output.
    var graphOrder: [String] = []
    var clients: [ClientID: ClientState] = [:]
    /// The latest definition announced for each component, kept after its participants expire.
    var components: [String: ParticipantDefinition] = [:]
    /// Processes started for roles (`--participants`), with the command used.
    var processes: [(role: String, command: String)] = []
    /// Roles whose process exited; not restarted until the next network:start or edit of the node.
    var exitedRoles: Set<String> = []
    /// Problems already reported per role (no command for the component), so each is said once.
    var processProblems: [String: String] = [:]
    var taps: [String] = []
    /// The latest queue statistics, by queue name (`RuntimeInput.queueStats`).
    var queueStats: [String: QueueStats] = [:]
    var tapRoutes: [String: [TapRoute]] = [:]

    public init(
        configuration: RuntimeConfiguration, library: ComponentLibrary = ComponentLibrary(),
        graphs: [RuntimeGraph], mainGraph: String? = nil
    ) {
        self.configuration = configuration
        self.library = library
        self.registry = ParticipantRegistry(expiry: configuration.participantExpiry)
        self.mainGraph = mainGraph ?? graphs.first?.id ?? "default/main"
        for graph in graphs where slots[graph.id] == nil {
            graphOrder.append(graph.id)
            slots[graph.id] = GraphSlot(graph)
        }
        let view = liveView
        for id in graphOrder {
            let snapshot = view.snapshot(of: slots[id]?.graph.graph ?? Graph())
            slots[id]?.announced = snapshot
        }
    }

    /// Processes one input; returns what to send and do, in order.
    public mutating func handle(_ input: RuntimeInput, at now: Date) -> [RuntimeOutput] {
        var out = Outbox()
        switch input {
        case .clientConnected(let client):
            connect(client)
        case .clientDisconnected(let client):
            clients[client] = nil
            reconcileTaps(&out)
        case .frame(let client, let text):
            receive(text, from: client, at: now, &out)
        case .discovered(let definition, let announcedAt):
            discovered(definition, announcedAt: announcedAt, at: now, &out)
        case .tapped(let exchange, let body):
            tapped(exchange, body: body, at: now, &out)
        case .processExited(let role, let status):
            processExited(role, status: status, &out)
        case .actionFailed(let action, let reason):
            actionFailed(action, reason: reason, &out)
        case .startNetwork(let graph):
            if slots[graph] != nil { startNetwork(graph, at: now, request: nil, &out) }
        case .queueStats(let stats):
            queueStats = stats
            announceLiveChanges(nil, &out)
        case .tick:
            tick(at: now, &out)
        }
        return out.outputs
    }

    // MARK: State for the shell and tests

    /// The graph with this id, as stored (without live annotations).
    public func graph(_ id: String) -> RuntimeGraph? { slots[id]?.graph }
    public var graphIDs: [String] { graphOrder }
    public func isRunning(_ graph: String) -> Bool { slots[graph]?.running ?? false }
    /// Bindings currently made on the broker for the graph.
    public func appliedBindings(_ graph: String) -> [Binding] { slots[graph]?.applied ?? [] }
    /// Exchanges the shell should be tapping.
    public var activeTaps: [String] { taps }
    /// Roles whose processes the shell should be running.
    public var runningProcesses: [String] { processes.map(\.role) }
    /// The edges a client watches in a graph.
    public func watchedEdges(_ client: ClientID, graph: String) -> [EdgeEnds] { clients[client]?.watched[graph] ?? [] }

    var liveView: LiveView { LiveView(registry: registry, stats: queueStats) }

    /// Clients that get broadcasts, in a stable order.
    var audience: [ClientID] { clients.filter(\.value.authorized).keys.sorted() }

    mutating func connect(_ client: ClientID) {
        if clients[client] == nil { clients[client] = ClientState(authorized: configuration.secret == nil) }
    }
}
