import Foundation
import Logging
import Postgres
import ServiceLifecycle

/// Wakes long-polls (`GET /jobs/{id}?wait=`) when StoreResult finishes a job.
///
/// Notifications come from Postgres LISTEN (`service(databaseURL:logger:)`);
/// a waiter also re-reads the job at least every second, so a notification
/// lost during a reconnect only delays. On shutdown it lets every long-poll
/// go: they answer with the job as it is, and the client polls again.
public actor JobWaiter {
    private var waiters: [UUID: [UUID: CheckedContinuation<Void, Never>]] = [:]
    private var closed = false

    public init() {}

    /// Listens on `PostgresJobStore.finishedChannel` until the task is cancelled.
    public func listen(databaseURL: String, logger: Logger) async {
        while !Task.isCancelled {
            do {
                let listener = try await PostgresListener.connect(url: databaseURL, logger: logger)
                defer { listener.close() }
                for await note in try await listener.notifications(channel: PostgresJobStore.finishedChannel) {
                    if let id = UUID(uuidString: note.payload) { wake(id) }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("job notifications unavailable; long-polls fall back to re-reading", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(2))
        }
    }

    public func wake(_ job: UUID) {
        for continuation in waiters.removeValue(forKey: job)?.values ?? [:].values { continuation.resume() }
    }

    /// True once `close()` was called: long-polls should answer now.
    public var isClosed: Bool { closed }

    /// Releases every waiting long-poll, and makes later waits return at once.
    public func close() {
        closed = true
        let all = waiters.values.flatMap(\.values)
        waiters = [:]
        for continuation in all { continuation.resume() }
    }

    /// Returns when `job` is announced finished or after `timeout`, whichever is first.
    public func wait(for job: UUID, timeout: Duration) async {
        guard !closed else { return }
        let token = UUID()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            waiters[job, default: [:]][token] = continuation
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.expire(job: job, token: token)
            }
        }
    }

    private func expire(job: UUID, token: UUID) {
        if let continuation = waiters[job]?.removeValue(forKey: token) {
            if waiters[job]?.isEmpty == true { waiters[job] = nil }
            continuation.resume()
        }
    }

    /// Listens for notifications until a graceful shutdown, then `close()`s,
    /// so in-flight long-polls answer before the HTTP server finishes its drain.
    /// List it after the HTTP server in a `ServiceGroup` (it shuts down first).
    public nonisolated func service(databaseURL: String, logger: Logger) -> some Service {
        JobWaiterService(waiter: self, databaseURL: databaseURL, logger: logger)
    }
}

/// `JobWaiter.service(databaseURL:logger:)`.
struct JobWaiterService: Service {
    let waiter: JobWaiter
    let databaseURL: String
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown { [waiter, databaseURL, logger] in
            await waiter.listen(databaseURL: databaseURL, logger: logger)
        }
        await waiter.close()
    }
}
