import Foundation
import HTTPServer
import Logging
import MsgFlo
import MsgFloAMQP
import MsgFloMQTT
import MsgFloRuntime
import Postgres
import Primitives
import ServiceLifecycle
import Vips

/// Wires each process of the service (web, resize, store, migrate) from its
/// configuration. The executable only parses arguments and calls these.
public enum ServiceRunner {
    /// Opens the pool, retrying with backoff while PostgreSQL is down (one log line per try).
    public static func connectDatabase(_ config: ServiceConfig, size: Int? = nil, logger: Logger) async throws -> PostgresPool {
        try config.checkDatabaseConnectionBudget()
        let backoff = Backoff(initial: .milliseconds(500), maximum: .seconds(10))
        var failures = 0
        while true {
            do {
                return try await PostgresPool.connect(url: config.databaseURL, size: size ?? config.databasePoolSize, logger: logger)
            } catch let error as PostgresError where error.kind == .connectionFailed {
                let delay = backoff.delay(afterFailures: failures)
                failures += 1
                logger.warning("database unreachable; retrying", metadata: ["error": "\(error)", "retry_in": "\(delay.seconds)s"])
                try await Task.sleep(for: delay)
            }
        }
    }

    /// The role's transport, from the one factory: the broker URL and the
    /// options (`MSGFLO_PREFETCH` unless the role sets its own, the publish timeout).
    static func transport(_ config: ServiceConfig, prefetch: Int? = nil) throws -> any BrokerTransport {
        AMQPTransport.register()
        MQTTTransport.register()
        var options = try TransportOptions(
            environment: ProcessInfo.processInfo.environment,
            publishTimeout: config.publishTimeoutDuration)
        if let prefetch { options.prefetch = prefetch }
        return try Transports.make(flag: config.brokerURL, environment: [:], options: options)
    }

    public static func migrate(_ config: ServiceConfig, logger: Logger) async throws -> [Int] {
        let pool = try await connectDatabase(config, size: 1, logger: logger)
        defer { pool.close() }
        return try await Schema.migrator.migrate(pool).map(\.version)
    }

    /// The HTTP API until SIGTERM/SIGINT, then a graceful shutdown in order:
    /// long-polls answer, the HTTP server drains its in-flight requests (which
    /// may still publish), the participant disconnects, the database closes.
    public static func runWeb(
        _ config: ServiceConfig, role: String, logger: Logger,
        extraRoutes: (@Sendable (inout Router) -> Void)? = nil
    ) async throws {
        let database = try await connectDatabase(config, logger: logger)
        defer { database.close() }
        let definition = ParticipantDefinition.conventional(
            role: role, component: "imageresize/HttpApi", label: "Accepts image-resize jobs over HTTP", icon: "globe",
            inports: [], outports: ["resizeimage"])
        let participant = Participant(
            definition: definition, transport: try transport(config),
            configuration: try ParticipantConfiguration(environment: ProcessInfo.processInfo.environment),
            logger: logger
        ) { _, _, _ in }
        let waiter = JobWaiter(capacity: config.maxLongPolls)
        // With MSGFLO_RUNTIME_SECRET: the FBP runtime and its graph page on this port (Heroku gives only web one).
        let runtime = try RuntimeSettings.embedded(
            brokerURL: config.brokerURL ?? BrokerURL.defaultURL,
            environment: ProcessInfo.processInfo.environment
        )
        .map { try $0.makeHost(transport: try transport(config), logger: Logger(label: "msgflo.runtime")) }
        let routes: @Sendable (inout Router) -> Void = { router in
            extraRoutes?(&router)
            runtime?.mount(on: &router, socketPath: RuntimeSettings.embeddedSocketPath, pagePath: RuntimeSettings.embeddedPagePath)
        }
        let api = WebAPI(
            config: config, store: PostgresJobStore(database: database), storage: PostgresImageStorage(database: database),
            publisher: ParticipantJobPublisher(participant: participant, port: "resizeimage"),
            waiter: waiter, logger: logger, extraRoutes: routes)
        var http = HTTPServer.Configuration()
        http.port = config.port
        http.maxBodyBytes = config.maxBodyBytes
        let server = HTTPServer(configuration: http, router: api.router(), logger: logger)
        // Each client (a long-poll is one for up to IMAGERESIZE_MAX_WAIT) holds a file descriptor.
        if let limit = OpenFilesLimit.raiseToHardLimit() {
            let what = limit.after == limit.before ? "open files limit (already as high as allowed)" : "raised the open files limit"
            logger.info("\(what)", metadata: ["from": "\(limit.before)", "to": "\(limit.after)", "hard": "\(limit.hard)"])
        }
        let port = try server.start()
        logger.info("imageresize web ready", metadata: ["url": "http://localhost:\(port)"])
        // Shut down in reverse: long-polls go, the server drains (closing FBP clients), the runtime, then the participant.
        let services: [any Service] =
            [participant] + (runtime.map { [$0] } ?? []) + [server, waiter.service(databaseURL: config.databaseURL, logger: logger)]
        try await ProcessLifecycle.run(services, logger: logger)
    }

    /// Call first thing in a resize worker process, before any other work:
    /// it may re-execute the process with allocator settings (see MallocTuning).
    public static func prepareResizeProcess() {
        MallocTuning.reexecWithHugePagesIfNeeded(environment: ProcessInfo.processInfo.environment)
    }

    /// The allocator settings of a resize worker, after `prepareResizeProcess`.
    public static func prepareResizeMemory() {
        MallocTuning.returnLargeBuffersToTheSystem(environment: ProcessInfo.processInfo.environment)
    }

    /// A resize worker (libvips) until SIGTERM/SIGINT.
    public static func runResize(_ config: ServiceConfig, role: String, logger: Logger) async throws {
        prepareResizeMemory()
        config.workerPriority.apply(logger: logger)
        try Vips.initialize(concurrency: config.vipsConcurrency)
        let processor = try ResizeProcessor(config: config)
        let pool = BlockingPool(threads: config.resizeConcurrency, name: "resize")
        defer { pool.shutdown() }
        let meter = WorkerTimeMeter(slots: config.resizeConcurrency)
        defer { meter.log(to: logger) }
        let participant = Participant(
            definition: ResizeWorker.definition(role: role),
            transport: try transport(config, prefetch: config.resizeConcurrency + config.downloadAhead),
            configuration: try ParticipantConfiguration(environment: ProcessInfo.processInfo.environment),
            logger: logger,
            rawHandler: meter.measuring(ResizeWorker.handler(processor: processor, pool: pool, logger: logger)))
        try await ProcessLifecycle.run([participant], logger: logger)
    }

    /// A results writer (Postgres) until SIGTERM/SIGINT.
    public static func runStore(_ config: ServiceConfig, role: String, logger: Logger) async throws {
        config.workerPriority.apply(logger: logger)
        let database = try await connectDatabase(config, size: config.storeDatabasePoolSize, logger: logger)
        defer { database.close() }
        let participant = Participant(
            definition: StoreWorker.definition(role: role),
            transport: try transport(config, prefetch: config.storeConcurrency),
            configuration: try ParticipantConfiguration(environment: ProcessInfo.processInfo.environment),
            logger: logger,
            rawHandler: StoreWorker.handler(
                store: PostgresJobStore(database: database),
                storage: PostgresImageStorage(database: database), logger: logger))
        let sweeping = config.retention.map { retention in
            Task {
                await RetentionSweeper(
                    retention: retention, store: PostgresJobStore(database: database),
                    storage: PostgresImageStorage(database: database), logger: logger
                ).run()
            }
        }
        var stopped: (any Error)?
        do { try await ProcessLifecycle.run([participant], logger: logger) } catch { stopped = error }
        sweeping?.cancel()
        await sweeping?.value // before the pool closes under it
        if let stopped { throw stopped }
    }
}
