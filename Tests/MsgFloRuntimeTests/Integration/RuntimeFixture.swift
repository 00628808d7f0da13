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
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    static let runtimeID = "a3bb189e-8bf9-4888-9912-ace4e6543002"

    /// - Parameters:
    ///   - fbp: the main graph as .fbp text (its `# @name` is its id).
    ///   - library: component -> command (the `--participants` commands).
    static func start(
        vhost: TestVhost, fbp: String, secret: String? = nil, manage: Bool = false,
        library: [String: String] = [:], startNetworks: Bool = true,
        http: (inout HTTPServer.Configuration) -> Void = { _ in }
    ) async throws -> RuntimeFixture {
        let transport = try AMQPTransport(
            url: vhost.brokerURL, configuration: AMQPTestBroker.configuration(),
            logger: Logger(label: "test.runtime"))
        return try await start(
            transport: transport, stats: vhost.management, brokerText: vhost.brokerText, vhost: vhost,
            fbp: fbp, secret: secret, manage: manage, library: library, startNetworks: startNetworks, http: http)
    }

    /// On any transport (MQTT: no queue figures, `stats` nil).
    static func start(
        transport: any BrokerTransport, stats: (any QueueStatsSource)?, brokerText: String,
        vhost: TestVhost?, fbp: String, secret: String? = nil, manage: Bool = false,
        library: [String: String] = [:], startNetworks: Bool = true,
        http: (inout HTTPServer.Configuration) -> Void = { _ in }
    ) async throws -> RuntimeFixture {
        // Quiet unless the test fails (`.logsOnFailure`).
        let logger = Logger(label: "test.runtime")
        let graph = try FBPParser.parse(fbp)
        let id = graph.properties["name"]?.stringValue ?? "main"
        let configuration = RuntimeConfiguration(id: runtimeID, label: "test runtime", secret: secret, manageParticipants: manage)
        var options = RuntimeHost.Options(
            configuration: configuration,
            library: ComponentLibrary(components: library.mapValues { .init(command: $0) }),
            graphs: [RuntimeGraph(id: id, graph: graph)])
        options.startNetworks = startNetworks
        options.discoveryGrace = .milliseconds(200)
        options.statsInterval = .milliseconds(500)
        var environment = ProcessInfo.processInfo.environment
        environment["LOG_LEVEL"] = "warning"
        environment["PATH"] =
            URL(fileURLWithPath: BuiltExecutable.msgflo.url.path).deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        // The processes' output goes to a file the report of a failing test shows.
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("runtime-processes-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        TestLogs.attach(output, as: "processes started by the runtime", removing: true)
        let host = RuntimeHost(
            options: options, transport: transport, stats: stats, brokerURL: brokerText,
            environment: environment, processOutput: try FileHandle(forWritingTo: output), logger: logger)
        var router = Router()
        host.mount(on: &router, socketPath: "/", pagePath: "/")
        var configurationHTTP = HTTPServer.Configuration(host: "127.0.0.1", port: 0, eventLoopCount: 1)
        configurationHTTP.accessLog = false
        http(&configurationHTTP)
        let server = HTTPServer(configuration: configurationHTTP, router: router, logger: logger)
        let port = try server.start()
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    .init(service: host), .init(service: server),
                ], logger: logger))
        let running = Task { try await group.run() }
        return RuntimeFixture(host: host, server: server, port: port, vhost: vhost, group: group, running: running)
    }

    private init(
        host: RuntimeHost, server: HTTPServer, port: Int, vhost: TestVhost?,
        group: ServiceGroup, running: Task<Void, any Error>
    ) {
        self.host = host
        self.server = server
        self.port = port
        self.vhost = vhost
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
        await TestSupport.eventually { condition(host.coordinator) }
    }
}
