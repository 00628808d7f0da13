import ArgumentParser
import Foundation
import HTTPServer
import Logging
import MsgFlo
import MsgFloRuntime
import Primitives

struct RuntimeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runtime",
        abstract: "Serve the FBP runtime protocol (Flowhub, any FBP client) and the live graph page for the running system.",
        discussion: """
            Connect an FBP client to ws://HOST:PORT (subprotocol noflo, or none) with the secret; open \
            http://HOST:PORT/ for the live graph page. The graphs are the desired state: their bindings are made \
            at launch and changed live by clients; participants that announce themselves are the actual state.
            """)

    @OptionGroup var broker: BrokerOptions
    @Option(help: "Graph file (.fbp or .json), repeatable; the first is the main graph. None: an empty graph 'main'.")
    var graph: [String] = []
    @Option(help: "Address to listen on; 0.0.0.0 for every interface (set a secret then).") var host = "127.0.0.1"
    @Option(help: "Port of the WebSocket and the page.") var port = 3569
    @Option(help: "Secret every client must send (default $MSGFLO_RUNTIME_SECRET).") var secret: String?
    @Option(help: "Runtime id, a UUID (default $MSGFLO_RUNTIME_ID, else a new one).") var id: String?
    @Option(help: "Runtime label shown by clients.") var label = "MsgFlo runtime"
    @Flag(help: "Write each graph back to its file (atomically) after every change.") var autoSave = false
    @Flag(help: "Start and stop each role's process as nodes are added and removed (commands from the library).")
    var participants = false
    @Option(help: "Component library (default graphs/components.json when it exists).") var library: String?
    @Option(
        help:
            "RabbitMQ management API for queue depth and rates, e.g. http://user:password@host:15672 (else RABBITMQ_MANAGEMENT_URL, or derived from the broker URL)."
    )
    var managementURL: String?
    @Flag(inversion: .prefixedNo, help: "Bind the graphs at launch (--no-start: only when a client sends network:start).")
    var start = true

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port must be from 1 to 65535") }
        if let id, UUID(uuidString: id) == nil {
            throw ValidationError("--id must be a UUID (FBP clients require one), e.g. \(UUID().uuidString.lowercased())")
        }
    }

    func run() async throws {
        MsgFloCommand.bootstrapLogging()
        let logger = Logger(label: "msgflo.runtime")
        let environment = ProcessInfo.processInfo.environment
        var settings = RuntimeSettings(brokerURL: broker.rawURL())
        settings.graphPaths = graph
        settings.libraryPath = library
        settings.managementURL = managementURL
        settings.secret = RuntimeSettings.secret(flag: secret, environment: environment)
        settings.id = id
        settings.label = label
        settings.autoSave = autoSave
        settings.manageParticipants = participants
        settings.startNetworks = start
        let runtime = try settings.makeHost(transport: try broker.transport(), environment: environment, logger: logger)
        if settings.secret == nil, !["127.0.0.1", "::1", "localhost"].contains(host) {
            logger.warning("no secret: anyone who reaches \(host):\(port) can rewire the system; set --secret or MSGFLO_RUNTIME_SECRET")
        }
        var router = Router()
        runtime.mount(on: &router, socketPath: "/", pagePath: "/")
        let server = HTTPServer(configuration: HTTPServer.Configuration(host: host, port: port), router: router, logger: logger)
        let bound = try server.start()
        say("msgflo runtime: FBP protocol at ws://\(host):\(bound)/, live graph page at http://\(host):\(bound)/")
        // Shut down in reverse: the server closes the clients, then the runtime stops taps and processes.
        try await ProcessLifecycle.run([runtime, server], logger: logger)
    }
}
