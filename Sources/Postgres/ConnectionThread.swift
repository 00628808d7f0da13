import Foundation
import Logging
import Primitives

/// The one thread that owns a `LibPQConnection`. Async callers post jobs to
/// its `ThreadInbox`; the thread runs them in order. Between jobs it sleeps in
/// the inbox's poll() on its wake-up pipe and the connection's socket, so it
/// sees NOTIFYs and a dropped connection as soon as they happen, not at the
/// next query.
///
/// Sendable (checked): the connection and the reconnect state are locals of
/// the thread; what callers share is the inbox and immutable options.
final class ConnectionThread: Sendable {
    typealias Job = @Sendable (LibPQConnection) -> Void

    struct Options: Sendable {
        /// Reconnect by itself after a drop (listeners); otherwise the next job reconnects.
        var autoReconnect = false
        /// Delays between automatic reconnection attempts.
        var reconnectBackoff = Backoff(initial: .milliseconds(100), maximum: .seconds(5))
        var onNotification: (@Sendable (PostgresNotification) -> Void)?
        /// Runs on the thread after an automatic reconnection (to LISTEN again).
        var onReconnect: Job?
    }

    private let inbox = ThreadInbox<Job>()
    private let options: Options
    private let logger: Logger

    init(conninfo: String, target: String, name: String, options: Options, logger: Logger) {
        self.options = options
        self.logger = logger
        let thread = Thread { [self] in
            run(LibPQConnection(conninfo: conninfo, target: target, logger: logger))
        }
        thread.name = name
        thread.start()
    }

    /// Queues a job; false if the thread is stopping.
    @discardableResult
    func submit(_ job: @escaping Job) -> Bool {
        inbox.post(job)
    }

    /// Runs `body` on the owning thread and returns its result.
    func perform<T: Sendable>(_ body: @escaping @Sendable (LibPQConnection) throws(PostgresError) -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = submit { connection in
                continuation.resume(with: Result { () throws(PostgresError) in try body(connection) })
            }
            if !accepted {
                continuation.resume(throwing: PostgresError(kind: .closed, message: "close() was called"))
            }
        }
    }

    /// Finishes queued jobs, closes the connection and ends the thread.
    func stop() {
        inbox.close()
    }

    private func run(_ connection: LibPQConnection) {
        var seenGeneration = 0
        var failedReconnects = 0
        var reconnectAt: ContinuousClock.Instant?
        // Whoever re-opened the connection (a job or the timer below), the
        // session state the owner keeps (LISTENs) is restored once.
        func noticeReconnection() {
            defer { seenGeneration = connection.generation }
            guard seenGeneration > 0, connection.generation != seenGeneration, connection.isConnected else { return }
            options.onReconnect?(connection)
        }
        while true {
            let stopping = inbox.isClosed
            let jobs = inbox.take()
            for job in jobs {
                job(connection)
                noticeReconnection()
                deliver(connection.takeNotifications())
            }
            if stopping && jobs.isEmpty { break }
            if !jobs.isEmpty { continue }

            let watching = connection.isConnected
            let needsReconnect = options.autoReconnect && !watching && connection.generation > 0
            if !needsReconnect {
                reconnectAt = nil
            } else if reconnectAt == nil {
                reconnectAt = .now + options.reconnectBackoff.delay(afterFailures: failedReconnects)
            }
            let wakeup = inbox.wait(
                socket: watching ? connection.socket : nil,
                timeout: reconnectAt.map { $0 - .now })
            if watching, wakeup == .socketReady {
                if !connection.consumeInput() {
                    logger.warning("postgres connection lost", metadata: ["target": "\(connection.target)"])
                }
                deliver(connection.takeNotifications())
            }
            if needsReconnect, let due = reconnectAt, ContinuousClock.now >= due {
                reconnectAt = nil
                do {
                    try connection.connect()
                    logger.info("postgres reconnected", metadata: ["target": "\(connection.target)"])
                    failedReconnects = 0
                    noticeReconnection()
                } catch {
                    logger.warning("postgres reconnect failed", metadata: ["error": "\(error)"])
                    failedReconnects += 1
                }
            }
        }
        connection.close()
    }

    private func deliver(_ notifications: [PostgresNotification]) {
        guard let handler = options.onNotification else { return }
        for notification in notifications { handler(notification) }
    }
}
