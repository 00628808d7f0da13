import Foundation
import HTTPServer
import Logging
import MsgFlo
import Postgres
import Vips
import Primitives
import MsgFloAMQP
import MsgFloMQTT

/// Wires each process of the service (web, resize, store, migrate) from its
/// configuration. The executable only parses arguments and calls these.
public enum ServiceRunner {
    /// Opens the pool, retrying with backoff while PostgreSQL is down (one log line per try).
    public static func connectDatabase(_ config: ServiceConfig, size: Int? = nil, logger: Logger) async throws -> PostgresPool {
        var delay = 0.5
        while true {
            do {
                return try await PostgresPool.connect(url: config.databaseURL, size: size ?? config.databasePoolSize, logger: logger)
            } catch let error as PostgresError where error.kind == .connectionFailed {
                logger.warning("database unreachable; retrying", metadata: ["error": "\(error)", "retry_in": "\(delay)s"])
                try await Task.sleep(for: .seconds(delay))
                delay = min(delay * 2, 10)
            }
        }
    }

    static func transport(_ config: ServiceConfig) throws -> any BrokerTransport {
        AMQPTransport.register()
        MQTTTransport.register()
        let url = try BrokerURL.resolve(flag: config.brokerURL, environment: [:])
        let options = TransportOptions(publishTimeout: .milliseconds(Int(config.publishTimeout * 1000)))
        return try Transports.make(url: url, options: options)
    }

    public static func migrate(_ config: ServiceConfig, logger: Logger) async throws -> [Int] {
        let pool = try await connectDatabase(config, size: 1, logger: logger)
        defer { pool.close() }
        return try await Schema.migrator.migrate(pool).map(\.version)
    }

    /// The HTTP API until SIGTERM/SIGINT, then a graceful drain.
    public static func runWeb(_ config: ServiceConfig, role: String, logger: Logger,
                              extraRoutes: (@Sendable (inout Router) -> Void)? = nil) async throws {
        let database = try await connectDatabase(config, logger: logger)
        let transport = try transport(config)
        let definition = ParticipantDefinition.conventional(
            role: role, component: "imageresize/HttpApi", label: "Accepts image-resize jobs over HTTP", icon: "globe",
            inports: [], outports: ["resizeimage"])
        let participant = Participant(definition: definition, transport: transport,
                                      configuration: try ParticipantConfiguration(environment: ProcessInfo.processInfo.environment),
                                      logger: logger) { _, _, _ in }
        let waiter = JobWaiter()
        let api = WebAPI(config: config, store: PostgresJobStore(database: database), storage: PostgresImageStorage(database: database),
                         publisher: TransportJobPublisher(transport: transport, exchange: definition.outport("resizeimage")!.queue),
                         waiter: waiter, logger: logger, extraRoutes: extraRoutes)
        var http = HTTPServer.Configuration()
        http.port = config.port
        http.maxBodyBytes = config.maxBodyBytes
        let server = HTTPServer(configuration: http, router: api.router(), logger: logger)
        try await participant.start()
        let listening = Task { await waiter.listen(databaseURL: config.databaseURL, logger: logger) }
        let port = try server.start()
        logger.info("imageresize web ready", metadata: ["url": "http://localhost:\(port)"])
        let signal = await ShutdownSignal.wait()
        logger.info("stopping", metadata: ["signal": "\(signal)"])
        server.shutdown()
        await server.waitUntilStopped()
        listening.cancel()
        await participant.stop()
        database.close()
    }

    /// Call first thing in a resize worker process, before any other work:
    /// it may re-execute the process with allocator settings (see MallocTuning).
    public static func prepareResizeProcess() {
        MallocTuning.reexecWithHugePagesIfNeeded(environment: ProcessInfo.processInfo.environment)
    }

    /// A resize worker (libvips) until SIGTERM/SIGINT.
    public static func runResize(_ config: ServiceConfig, role: String, logger: Logger) async throws {
        MallocTuning.returnLargeBuffersToTheSystem(environment: ProcessInfo.processInfo.environment)
        try Vips.initialize(concurrency: config.vipsConcurrency)
        let processor = try ResizeProcessor(config: config)
        let pool = BlockingPool(threads: config.resizeConcurrency, name: "resize")
        var participantConfig = try ParticipantConfiguration(environment: ProcessInfo.processInfo.environment)
        participantConfig.prefetch = config.resizeConcurrency + config.downloadAhead
        let participant = Participant(definition: ResizeWorker.definition(role: role), transport: try transport(config),
                                      configuration: participantConfig, logger: logger,
                                      rawHandler: ResizeWorker.handler(processor: processor, pool: pool, logger: logger))
        try await runParticipant(participant, logger: logger)
        pool.shutdown()
    }

    /// A results writer (Postgres) until SIGTERM/SIGINT.
    public static func runStore(_ config: ServiceConfig, role: String, logger: Logger) async throws {
        let database = try await connectDatabase(config, size: config.storeConcurrency, logger: logger)
        var participantConfig = try ParticipantConfiguration(environment: ProcessInfo.processInfo.environment)
        participantConfig.prefetch = config.storeConcurrency
        let participant = Participant(definition: StoreWorker.definition(role: role), transport: try transport(config),
                                      configuration: participantConfig, logger: logger,
                                      rawHandler: StoreWorker.handler(store: PostgresJobStore(database: database),
                                                                      storage: PostgresImageStorage(database: database), logger: logger))
        let sweeping = config.retention.map { retention in
            Task { await RetentionSweeper(retention: retention, store: PostgresJobStore(database: database),
                                          storage: PostgresImageStorage(database: database), logger: logger).run() }
        }
        try await runParticipant(participant, logger: logger)
        sweeping?.cancel()
        database.close()
    }

    static func runParticipant(_ participant: Participant, logger: Logger) async throws {
        try await participant.start()
        logger.info("participant ready", metadata: ["id": "\(participant.definition.id)"])
        let signal = await ShutdownSignal.wait()
        logger.info("stopping", metadata: ["signal": "\(signal)"])
        await participant.stop()
    }
}
