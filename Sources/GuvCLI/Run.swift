import ArgumentParser
import Foundation
import Guv
import HTTPServer
import Logging
import PlatformClients
import Primitives
import ServiceLifecycle
import Synchronization

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Poll the queues and scale the formation until SIGTERM.")

    @OptionGroup var config: ConfigOptions

    @Flag(help: "Decide and report, but do not change the formation.")
    var dryRun = false

    @Flag(help: "Run one iteration and exit.")
    var oneshot = false

    @Option(help: "Append JSON state records to this file instead of stdout.")
    var stateFile: String?

    @Option(help: "Serve Prometheus metrics on this localhost port.")
    var metricsPort: Int?

    @Option(
        help:
            "RabbitMQ management API, e.g. http://user:password@host:15672 (else GUV_MANAGEMENT_URL, RABBITMQ_MANAGEMENT_URL, or derived from the broker URL)."
    )
    var managementURL: String?

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "guv")
        let env = ProcessInfo.processInfo.environment
        let guv = try config.load()
        for warning in guv.warnings { logger.warning("\(warning)") }
        let herokuURL = env["HEROKU_API_URL"].flatMap(URL.init(string:))
        let problems = guv.problemsForRun(requireApiKey: !dryRun && herokuURL == nil)
        if !problems.isEmpty { throw ConfigError(problems: problems) }

        let http = URLSessionHTTPClient()
        let endpoint = try ManagementEndpoint.resolve(flag: managementURL, broker: guv.broker, environment: env)
        let stats = RabbitMQManagementClient(endpoint: endpoint, http: http)
        var formation: (any FormationAPI)?
        if guv.apikey != nil || herokuURL != nil {
            formation = HerokuClient(baseURL: herokuURL ?? HerokuClient.defaultBaseURL, token: guv.apikey, http: http)
        }
        let governor = Governor(config: guv, stats: stats, formation: formation, dryRun: dryRun)
        let sink = try RecordSink(path: stateFile)
        let metrics = MetricsBoard()
        var services: [any Service] = []
        if let metricsPort {
            let server = LoopbackServer.make(router: MetricsRoute.router { metrics.text }, port: metricsPort, logger: logger)
            let port = try server.start()
            logger.info("metrics on http://127.0.0.1:\(port)/metrics")
            services.append(server)
        }
        logger.info("guv started: \(guv.roles.count) roles, poll every \(guv.pollinterval)s\(dryRun ? ", dry run" : "")")
        let polling = GovernorService(governor: governor, pollInterval: guv.pollinterval, oneshot: oneshot) { records in
            for record in records {
                if record.error == nil { logger.info("\(record.logLine)") } else { logger.error("\(record.logLine)") }
                sink.write(record.jsonLine)
            }
            metrics.text = MetricsText.render(records)
        }
        // Shut down in reverse: polling stops first, the metrics server last.
        try await ProcessLifecycle.run(services + [polling], logger: logger)
        logger.info("guv stopped")
    }
}

/// Where JSON state records go: stdout or an appended file.
final class RecordSink: Sendable {
    private let handle: FileHandle?

    init(path: String?) throws {
        guard let path else {
            handle = nil
            return
        }
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
        }
        guard let h = FileHandle(forWritingAtPath: path) else {
            throw ValidationError("cannot write state records to '\(path)'")
        }
        h.seekToEndOfFile()
        handle = h
    }

    func write(_ line: String) {
        (handle ?? FileHandle.standardOutput).write(Data((line + "\n").utf8))
    }
}

/// The latest metrics text, shared with the listener thread.
final class MetricsBoard: Sendable {
    private let value = Mutex("")
    var text: String {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
