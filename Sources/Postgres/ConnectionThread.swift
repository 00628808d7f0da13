import Synchronization
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// The one thread that owns a `LibPQConnection`. Async callers enqueue jobs;
/// the thread runs them in order. Between jobs it waits in poll() on a wake-up
/// pipe and on the connection's socket, so it sees NOTIFYs and a dropped
/// connection as soon as they happen, not at the next query.
final class ConnectionThread: @unchecked Sendable {
    typealias Job = @Sendable (LibPQConnection) -> Void

    struct Options: Sendable {
        /// Reconnect by itself after a drop (listeners); otherwise the next job reconnects.
        var autoReconnect = false
        var onNotification: (@Sendable (PostgresNotification) -> Void)?
        /// Runs on the thread after an automatic reconnection (to LISTEN again).
        var onReconnect: Job?
    }

    private struct Queue {
        var jobs: [Job] = []
        var stopping = false
    }

    private let queue = Mutex(Queue())
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let options: Options
    private let logger: Logger

    init(conninfo: String, target: String, name: String, options: Options, logger: Logger) {
        var fds: [Int32] = [0, 0]
        let status = pipe(&fds)
        precondition(status == 0, "pipe() failed: out of file descriptors")
        wakeRead = fds[0]
        wakeWrite = fds[1]
        _ = fcntl(wakeRead, F_SETFL, fcntl(wakeRead, F_GETFL) | O_NONBLOCK)
        _ = fcntl(wakeWrite, F_SETFL, fcntl(wakeWrite, F_GETFL) | O_NONBLOCK)
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
        let accepted = queue.withLock { queue in
            guard !queue.stopping else { return false }
            queue.jobs.append(job)
            return true
        }
        if accepted { wake() }
        return accepted
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
        let first = queue.withLock { queue in
            defer { queue.stopping = true }
            return !queue.stopping
        }
        if first { wake() }
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
    }

    private func run(_ connection: LibPQConnection) {
        var reconnectDelay = 0.1
        var seenGeneration = 0
        // Whoever re-opened the connection (a job or the timer below), the
        // session state the owner keeps (LISTENs) is restored once.
        func noticeReconnection() {
            defer { seenGeneration = connection.generation }
            guard seenGeneration > 0, connection.generation != seenGeneration, connection.isConnected else { return }
            options.onReconnect?(connection)
        }
        while true {
            let (jobs, stopping) = queue.withLock { queue in
                defer { queue.jobs.removeAll() }
                return (queue.jobs, queue.stopping)
            }
            for job in jobs {
                job(connection)
                noticeReconnection()
                deliver(connection.takeNotifications())
            }
            if stopping && jobs.isEmpty { break }
            if !jobs.isEmpty { continue }

            var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            let watching = connection.isConnected
            if watching { fds.append(pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0)) }
            let needsReconnect = options.autoReconnect && !watching && connection.generation > 0
            let timeout: Int32 = needsReconnect ? Int32(reconnectDelay * 1000) : -1
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0 { continue }  // EINTR
            if fds[0].revents != 0 { drainWakePipe() }
            if watching, fds[1].revents != 0 {
                if !connection.consumeInput() {
                    logger.warning("postgres connection lost", metadata: ["target": "\(connection.target)"])
                }
                deliver(connection.takeNotifications())
            }
            if needsReconnect, ready == 0 {
                do {
                    try connection.connect()
                    logger.info("postgres reconnected", metadata: ["target": "\(connection.target)"])
                    reconnectDelay = 0.1
                    noticeReconnection()
                } catch {
                    logger.warning("postgres reconnect failed", metadata: ["error": "\(error)"])
                    reconnectDelay = min(reconnectDelay * 2, 5)
                }
            }
        }
        connection.close()
    }

    // The pipe closes only when neither the thread nor the owner can write to it.
    deinit {
        close(wakeRead)
        close(wakeWrite)
    }

    private func deliver(_ notifications: [PostgresNotification]) {
        guard let handler = options.onNotification else { return }
        for notification in notifications { handler(notification) }
    }

    private func drainWakePipe() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
    }
}
