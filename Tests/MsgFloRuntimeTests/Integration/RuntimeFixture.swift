import Foundation
import HTTPServer
import Logging
import MsgFlo
import MsgFloAMQP
import MsgFloGraph
import MsgFloRuntime
import Primitives
import ServiceLifecycle
import TestSupport

/// A real runtime for a test: `RuntimeHost` on an AMQP transport in the
/// suite's virtual host, with the management API for queue figures, served
/// by a real `HTTPServer` on a free port, as `msgflo runtime` wires it.
final class RuntimeFixture: Sendable {
    let host: RuntimeHost
    let server: HTTPServer
    let port: Int
    let vhost: TestVhost?
    let logLines: LockedState<[String]>
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    static let runtimeID = "a3bb189e-8bf9-4888-9912-ace4e6543002"

    /// - Parameters:
    ///   - fbp: the main graph as .fbp text (its `# @name` is its id).
    ///   - library: component -> command (the `--participants` commands).
    static func start(vhost: TestVhost, fbp: String, secret: String? = nil, manage: Bool = false,
                      library: [String: String] = [:], startNetworks: Bool = true,
                      http: (inout HTTPServer.Configuration) -> Void = { _ in }) async throws -> RuntimeFixture {
        let lines = LockedState<[String]>([])
        let logger = capturing(lines)
        let transport = try AMQPTransport(url: vhost.brokerURL, configuration: AMQPTestBroker.configuration(), logger: logger)
        return try await start(transport: transport, stats: vhost.management, brokerText: vhost.brokerText, lines: lines, vhost: vhost,
                               fbp: fbp, secret: secret, manage: manage, library: library, startNetworks: startNetworks, http: http)
    }

    static func capturing(_ lines: LockedState<[String]>) -> Logger {
        Logger(label: "test.runtime") { _ in
            var handler = AMQPCapturingLogHandler(lines: lines)
            handler.logLevel = .info
            return handler
        }
    }

    /// On any transport (MQTT: no queue figures, `stats` nil).
    static func start(transport: any BrokerTransport, stats: (any QueueStatsSource)?, brokerText: String,
                      lines: LockedState<[String]>, vhost: TestVhost?, fbp: String, secret: String? = nil, manage: Bool = false,
                      library: [String: String] = [:], startNetworks: Bool = true,
                      http: (inout HTTPServer.Configuration) -> Void = { _ in }) async throws -> RuntimeFixture {
        let logger = capturing(lines)
        let graph = try FBPParser.parse(fbp)
        let id = graph.properties["name"]?.stringValue ?? "main"
        let configuration = RuntimeConfiguration(id: runtimeID, label: "test runtime", secret: secret, manageParticipants: manage)
        var options = RuntimeHost.Options(configuration: configuration,
                                          library: ComponentLibrary(components: library.mapValues { .init(command: $0) }),
                                          graphs: [RuntimeGraph(id: id, graph: graph)])
        options.startNetworks = startNetworks
        options.discoveryGrace = .milliseconds(200)
        options.statsInterval = .milliseconds(500)
        var environment = ProcessInfo.processInfo.environment
        environment["LOG_LEVEL"] = "warning"
        environment["PATH"] = URL(fileURLWithPath: MsgFloBinary.path).deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        let host = RuntimeHost(options: options, transport: transport, stats: stats, brokerURL: brokerText,
                               environment: environment, logger: logger)
        var router = Router()
        host.mount(on: &router, socketPath: "/", pagePath: "/")
        var configurationHTTP = HTTPServer.Configuration(host: "127.0.0.1", port: 0, eventLoopCount: 1)
        configurationHTTP.accessLog = false
        http(&configurationHTTP)
        let server = HTTPServer(configuration: configurationHTTP, router: router, logger: logger)
        let port = try server.start()
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [
            .init(service: host), .init(service: server),
        ], logger: logger))
        let running = Task { try await group.run() }
        return RuntimeFixture(host: host, server: server, port: port, vhost: vhost, logLines: lines, group: group, running: running)
    }

    private init(host: RuntimeHost, server: HTTPServer, port: Int, vhost: TestVhost?, logLines: LockedState<[String]>,
                 group: ServiceGroup, running: Task<Void, any Error>) {
        self.host = host
        self.server = server
        self.port = port
        self.vhost = vhost
        self.logLines = logLines
        self.group = group
        self.running = running
    }

    /// As SIGTERM would: the server closes the clients, the runtime stops taps and processes.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }

    func client(secret: String? = nil, subprotocol: String? = "noflo") async throws -> FBPTestClient {
        try await FBPTestClient.connect(port: port, graph: host.coordinator.mainGraph, secret: secret, subprotocol: subprotocol)
    }

    /// Waits (up to a minute) until the runtime's state satisfies `condition`.
    func eventually(_ condition: (RuntimeCoordinator) -> Bool) async -> Bool {
        await amqpEventually { condition(host.coordinator) }
    }
}
