import Foundation
import Logging
import MsgFlo
import MsgFloGraph
import PlatformClients

/// What a runtime is started with, as `msgflo runtime` and `imageresize web`
/// take it (options, then the environment), resolved into a `RuntimeHost`.
public struct RuntimeSettings: Sendable {
    /// Graph files (`.fbp` or `.json`); the first is the main graph. None: one
    /// empty graph `main`, held in memory, for a client to draw.
    public var graphPaths: [String] = []
    /// The component library given explicitly (an error when unreadable).
    public var libraryPath: String?
    /// Read when no library is given and the file exists, as `msgflo setup` does.
    public var defaultLibraryPath = "graphs/components.json"
    /// The broker URL as given (with its password), for started processes and the management API.
    public var brokerURL: String
    /// The RabbitMQ management API, else `GUV_MANAGEMENT_URL`, `RABBITMQ_MANAGEMENT_URL`, or derived from the broker URL.
    public var managementURL: String?
    public var secret: String?
    /// Reported by getruntime; the schema wants a UUID. Default: `MSGFLO_RUNTIME_ID`, else a new one.
    public var id: String?
    public var label: String?
    public var autoSave = false
    public var manageParticipants = false
    public var startNetworks = true

    public init(brokerURL: String) { self.brokerURL = brokerURL }

    /// The secret from `MSGFLO_RUNTIME_SECRET` when none was given.
    public static func secret(flag: String?, environment: [String: String]) -> String? {
        [flag, environment["MSGFLO_RUNTIME_SECRET"]].compactMap { $0 }.first { !$0.isEmpty }
    }

    /// Loads the graphs and the library and builds the host on `transport`
    /// (not yet connected). Queue figures come from the management API when
    /// the broker is RabbitMQ; without one, edges carry no figures.
    public func makeHost(
        transport: any BrokerTransport, environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger
    ) throws -> RuntimeHost {
        var graphs: [RuntimeGraph] = []
        for path in graphPaths {
            let (graph, warnings) = try RuntimeGraph.load(path: path)
            for warning in warnings { logger.warning("graph sidecar entry dropped", metadata: ["detail": "\(warning)"]) }
            guard !graphs.contains(where: { $0.id == graph.id }) else {
                throw RuntimeSettingsError.duplicateGraph(id: graph.id, path: path)
            }
            graphs.append(graph)
        }
        if graphs.isEmpty { graphs = [RuntimeGraph(id: "main", graph: Graph())] }
        let library: ComponentLibrary
        if let libraryPath {
            library = try ComponentLibrary.load(path: libraryPath)
        } else if FileManager.default.fileExists(atPath: defaultLibraryPath) {
            library = try ComponentLibrary.load(path: defaultLibraryPath)
        } else {
            if manageParticipants {
                throw RuntimeSettingsError.noLibrary(defaultLibraryPath)
            }
            library = ComponentLibrary()
        }
        let runtimeID = id ?? environment["MSGFLO_RUNTIME_ID"].flatMap { $0.isEmpty ? nil : $0 } ?? UUID().uuidString.lowercased()
        let configuration = RuntimeConfiguration(
            id: runtimeID, label: label ?? "MsgFlo runtime",
            secret: secret, manageParticipants: manageParticipants, autoSave: autoSave)
        var options = RuntimeHost.Options(configuration: configuration, library: library, graphs: graphs)
        options.startNetworks = startNetworks
        return RuntimeHost(
            options: options, transport: transport, stats: queueStats(environment: environment, logger: logger),
            brokerURL: brokerURL, environment: environment, logger: logger)
    }

    func queueStats(environment: [String: String], logger: Logger) -> (any QueueStatsSource)? {
        do {
            let endpoint = try ManagementEndpoint.resolve(flag: managementURL, broker: brokerURL, environment: environment)
            // Short: a figure 2 s late is replaced by the next one anyway.
            return RabbitMQManagementClient(endpoint: endpoint, http: URLSessionHTTPClient(timeout: 2))
        } catch {
            logger.info("edges show no queue depth or rate", metadata: ["reason": "\(error)"])
            return nil
        }
    }
}

/// Settings that cannot make a runtime, with what to do.
public enum RuntimeSettingsError: Error, CustomStringConvertible {
    case duplicateGraph(id: String, path: String)
    case noLibrary(String)

    public var description: String {
        switch self {
        case .duplicateGraph(let id, let path):
            "\(path): another --graph already has the id '\(id)' (its name property, else its file name); rename one"
        case .noLibrary(let path):
            "--participants needs the component library to know each role's command: \(path) does not exist; pass --library FILE"
        }
    }
}
