import ArgumentParser
import Foundation
import Guv
import Logging
import Primitives
import ServiceLifecycle

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

    func run() async throws {
        LoggingSystem.bootstrap(StreamLogHandler.standardError)
        let logger = Logger(label: "guv")
        let env = ProcessInfo.processInfo.environment
        let guv = try config.load()
        for warning in guv.warnings { logger.warning("\(warning)") }
        let herokuURL = env["HEROKU_API_URL"].flatMap(URL.init(string:))
        let problems = guv.problemsForRun(requireApiKey: !dryRun && herokuURL == nil)
        if !problems.isEmpty { throw ConfigError(problems: problems) }

        let transport = URLSessionTransport()
        let endpoint = try ManagementEndpoint.from(broker: guv.broker, environment: env)
        let stats = ManagementAPIClient(endpoint: endpoint, transport: transport)
        var formation: (any FormationAPI)?
        if guv.apikey != nil || herokuURL != nil {
            formation = HerokuClient(baseURL: herokuURL ?? HerokuClient.defaultBaseURL, token: guv.apikey, transport: transport)
        }
        let governor = Governor(config: guv, stats: stats, formation: formation, dryRun: dryRun)
        let sink = try RecordSink(path: stateFile)
        let metrics = MetricsBoard()
        var services: [any Service] = []
        if let metricsPort {
            let server = MiniHTTPServer { _ in ServerResponse(status: 200, contentType: "text/plain; version=0.0.4", body: Data(metrics.text.utf8)) }
            try server.start(port: metricsPort)
            logger.info("metrics on http://127.0.0.1:\(server.port)/metrics")
            services.append(ShutdownAction { server.stop() })
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
final class RecordSink: @unchecked Sendable {
    private let handle: FileHandle?

    init(path: String?) throws {
        guard let path else { handle = nil; return }
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
final class MetricsBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var value = ""
    var text: String {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
