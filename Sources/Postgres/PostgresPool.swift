import Foundation
import Logging
import Synchronization

/// A fixed set of connections, each on its own thread, lent to one task at a
/// time. Size it to the concurrency the database should see (a web process:
/// a few), not to the number of requests: excess callers wait their turn.
public final class PostgresPool: PostgresQuerying {
    public let target: String
    public let size: Int
    private let state: Mutex<State>

    private struct State {
        var idle: [PostgresConnection]
        var waiters: [(id: UInt64, continuation: CheckedContinuation<PostgresConnection, any Error>)] = []
        var nextWaiter: UInt64 = 0
        var closed = false
    }

    private init(target: String, connections: [PostgresConnection]) {
        self.target = target
        self.size = connections.count
        self.state = Mutex(State(idle: connections))
    }

    /// Opens `size` connections up front, so a wrong URL or a down server
    /// fails at start-up rather than at the first request.
    public static func connect(url: String, size: Int = 4, logger: Logger = Logger(label: "postgres")) async throws -> PostgresPool {
        precondition(size >= 1, "a pool needs at least one connection")
        var connections: [PostgresConnection] = []
        for index in 0..<size {
            connections.append(
                try await PostgresConnection.open(
                    url: url, options: ConnectionThread.Options(), name: "postgres-pool-\(index)", logger: logger))
        }
        return PostgresPool(target: connections[0].target, connections: connections)
    }

    /// Borrows a connection for `body`, waiting (FIFO) if all are busy.
    @discardableResult
    public func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await checkout()
        do {
            let result = try await body(connection)
            checkin(connection)
            return result
        } catch {
            checkin(connection)
            throw error
        }
    }

    public func query(_ sql: String, _ parameters: [PostgresValue?], idempotent: Bool) async throws -> PostgresRows {
        try await withConnection { try await $0.query(sql, parameters, idempotent: idempotent) }
    }

    public func executeScript(_ sql: String) async throws {
        try await withConnection { try await $0.executeScript(sql) }
    }

    /// A transaction on one borrowed connection.
    @discardableResult
    public func transaction<T: Sendable>(_ body: (PostgresSession) async throws -> T) async throws -> T {
        try await withConnection { try await $0.transaction(body) }
    }

    /// Closes idle connections now and the others when they come back;
    /// waiting callers get `.closed`.
    public func close() {
        let (idle, waiters) = state.withLock { state in
            state.closed = true
            defer {
                state.idle.removeAll()
                state.waiters.removeAll()
            }
            return (state.idle, state.waiters)
        }
        idle.forEach { $0.close() }
        for waiter in waiters {
            waiter.continuation.resume(throwing: PostgresError(kind: .closed, message: "the pool was closed", target: target))
        }
    }

    private func checkout() async throws -> PostgresConnection {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let outcome: Result<PostgresConnection, any Error>? = state.withLock { state in
                    if state.closed { return .failure(PostgresError(kind: .closed, message: "the pool was closed", target: target)) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if let connection = state.idle.popLast() { return .success(connection) }
                    state.waiters.append((id, continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0) }
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    private func checkin(_ connection: PostgresConnection) {
        let waiter: CheckedContinuation<PostgresConnection, any Error>? = state.withLock { state in
            if state.closed { return nil }
            if state.waiters.isEmpty {
                state.idle.append(connection)
                return nil
            }
            return state.waiters.removeFirst().continuation
        }
        if let waiter {
            waiter.resume(returning: connection)
        } else if state.withLock({ $0.closed }) {
            connection.close()
        }
    }
}
