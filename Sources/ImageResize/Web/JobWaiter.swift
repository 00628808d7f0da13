import Foundation
import Logging
import Postgres
import ServiceLifecycle

/// Wakes long-polls (`GET /jobs/{id}?wait=`) when StoreResult finishes a job.
///
/// Notifications come from one Postgres LISTEN connection for the whole
/// process (`service(databaseURL:logger:)`), however many clients wait: a
/// waiter reads its job when it starts and again only when woken, so 10,000
/// long-polls cost no database work while nothing finishes. While the LISTEN
/// connection is down, `isListening` is false and callers re-read now and
/// then; when it comes back every waiter is woken once, since notifications
/// sent meanwhile are lost. On shutdown it lets every long-poll go: they
/// answer with the job as it is, and the client polls again.
public actor JobWaiter {
    /// One waiting long-poll. Registered before its job is read, so a job
    /// that finishes between the read and the wait still wakes it.
    public struct Ticket: Sendable, Hashable {
        let job: UUID
        let token: UUID
    }

    private enum Slot {
        case registered
        case waiting(CheckedContinuation<Void, Never>)
        case woken
    }

    /// Most long-polls waiting at once in this process; `register` refuses beyond.
    public let capacity: Int
    private var slots: [UUID: [UUID: Slot]] = [:]
    private var count = 0
    private var closed = false
    /// Whether notifications arrive now (the LISTEN connection is up).
    public private(set) var isListening = false

    public init(capacity: Int = 20_000) {
        self.capacity = max(0, capacity)
    }

    /// Listens on `PostgresJobStore.finishedChannel` until the task is cancelled.
    public func listen(databaseURL: String, logger: Logger) async {
        while !Task.isCancelled {
            do {
                let listener = try await PostgresListener.connect(url: databaseURL, logger: logger)
                defer { listener.close() }
                let notes = try await listener.notifications(channel: PostgresJobStore.finishedChannel)
                isListening = true
                wakeAll() // whatever finished while nobody listened
                for await note in notes {
                    if let id = UUID(uuidString: note.payload) { wake(id) }
                }
                isListening = false
            } catch {
                isListening = false
                if Task.isCancelled { return }
                logger.warning("job notifications unavailable; long-polls fall back to re-reading", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(2))
        }
    }

    /// Registers a long-poll on `job`. Throws when `capacity` long-polls wait
    /// already: the API answers 503 with Retry-After rather than hold more.
    public func register(_ job: UUID) throws(JobWaiterFull) -> Ticket {
        guard count < capacity else { throw JobWaiterFull(capacity: capacity) }
        let ticket = Ticket(job: job, token: UUID())
        slots[job, default: [:]][ticket.token] = closed ? .woken : .registered
        count += 1
        return ticket
    }

    /// Returns when the ticket's job is announced finished, after `timeout`,
    /// when the waiter closes, or when the calling task is cancelled (its
    /// client went away), whichever is first. The ticket stays registered
    /// (a later wake is kept for the next `wait`) until `release`.
    public func wait(_ ticket: Ticket, timeout: Duration) async {
        guard case .registered? = slots[ticket.job]?[ticket.token] else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                guard !Task.isCancelled, case .registered? = slots[ticket.job]?[ticket.token] else {
                    return continuation.resume()
                }
                slots[ticket.job]?[ticket.token] = .waiting(continuation)
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    await self?.rearm(ticket)
                }
            }
        } onCancel: {
            Task { await self.rearm(ticket) }
        }
    }

    /// Call before each read of the ticket's job: a wake from then on makes
    /// the next `wait` return at once, so it is never missed between the read
    /// and the wait.
    public func willRead(_ ticket: Ticket) {
        if case .woken? = slots[ticket.job]?[ticket.token], !closed { slots[ticket.job]?[ticket.token] = .registered }
    }

    /// Ends a long-poll's registration.
    public func release(_ ticket: Ticket) {
        guard let slot = slots[ticket.job]?.removeValue(forKey: ticket.token) else { return }
        if slots[ticket.job]?.isEmpty == true { slots[ticket.job] = nil }
        count -= 1
        if case .waiting(let continuation) = slot { continuation.resume() }
    }

    /// Long-polls registered now (for tests and metrics).
    public var waiting: Int { count }

    public func wake(_ job: UUID) {
        guard let tickets = slots[job] else { return }
        for (token, slot) in tickets {
            slots[job]?[token] = .woken
            if case .waiting(let continuation) = slot { continuation.resume() }
        }
    }

    private func wakeAll() {
        for job in Array(slots.keys) { wake(job) }
    }

    /// A timed-out or cancelled wait returns; the ticket may wait again.
    private func rearm(_ ticket: Ticket) {
        if case .waiting(let continuation)? = slots[ticket.job]?[ticket.token] {
            slots[ticket.job]?[ticket.token] = .registered
            continuation.resume()
        }
    }

    /// True once `close()` was called: long-polls should answer now.
    public var isClosed: Bool { closed }

    /// Releases every waiting long-poll, and makes later waits return at once.
    public func close() {
        closed = true
        wakeAll()
    }

    /// Listens for notifications until a graceful shutdown, then `close()`s,
    /// so in-flight long-polls answer before the HTTP server finishes its drain.
    /// List it after the HTTP server in a `ServiceGroup` (it shuts down first).
    public nonisolated func service(databaseURL: String, logger: Logger) -> some Service {
        JobWaiterService(waiter: self, databaseURL: databaseURL, logger: logger)
    }
}

/// `JobWaiter.register` when the process holds as many long-polls as it may.
public struct JobWaiterFull: Error, Sendable, CustomStringConvertible {
    public var capacity: Int
    public var description: String { "\(capacity) long-polls are waiting already" }
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
