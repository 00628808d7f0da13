import Foundation
import Logging
import Postgres
import Primitives

/// Wakes long-polls (`GET /jobs/{id}?wait=`) when StoreResult finishes a job.
///
/// Notifications come from Postgres LISTEN; a waiter also re-reads the job at
/// least every second, so a notification lost during a reconnect only delays.
public actor JobWaiter {
    private var waiters: [UUID: [UUID: CheckedContinuation<Void, Never>]] = [:]

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
                logger.warning("job notifications unavailable; long-polls fall back to re-reading", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(2))
        }
    }

    public func wake(_ job: UUID) {
        for continuation in waiters.removeValue(forKey: job)?.values ?? [:].values { continuation.resume() }
    }

    /// Returns when `job` is announced finished or after `timeout`, whichever is first.
    public func wait(for job: UUID, timeout: Duration) async {
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
}
