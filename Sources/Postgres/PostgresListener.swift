import Foundation
import Logging
import Synchronization

/// LISTEN on a connection of its own, whose thread waits in poll() on the
/// socket and hands each NOTIFY to the streams subscribed to its channel.
///
/// If the connection drops, the listener reconnects (with backoff) and
/// LISTENs again; notifications sent in the gap are lost, so treat one as a
/// hint to re-read the database, and re-read on a timeout as well.
public final class PostgresListener: Sendable {
    private let connection: PostgresConnection
    private let subscribers: Subscribers

    private init(connection: PostgresConnection, subscribers: Subscribers) {
        self.connection = connection
        self.subscribers = subscribers
    }

    public static func connect(url: String, logger: Logger = Logger(label: "postgres")) async throws -> PostgresListener {
        let subscribers = Subscribers()
        var options = ConnectionThread.Options()
        options.autoReconnect = true
        options.onNotification = { subscribers.deliver($0) }
        options.onReconnect = { connection in
            for channel in subscribers.channels {
                do {
                    _ = try connection.exec("LISTEN \(try connection.escapeIdentifier(channel))", [])
                } catch {
                    logger.error("postgres LISTEN after reconnect failed", metadata: ["channel": "\(channel)", "error": "\(error)"])
                }
            }
        }
        let connection = try await PostgresConnection.open(url: url, options: options, name: "postgres-listener", logger: logger)
        return PostgresListener(connection: connection, subscribers: subscribers)
    }

    /// Notifications on `channel` (the exact name given to pg_notify) from
    /// now on. LISTEN has run when this returns, so a NOTIFY sent afterwards
    /// is seen. The stream ends when the listener closes; stop iterating to
    /// unsubscribe.
    public func notifications(channel: String) async throws -> AsyncStream<PostgresNotification> {
        let (stream, continuation) = AsyncStream<PostgresNotification>.makeStream(bufferingPolicy: .bufferingNewest(1000))
        let id = subscribers.add(channel: channel, continuation)
        // LISTEN for every subscriber (a no-op when already listening): the
        // caller may rely on it having run once this returns.
        do {
            try await connection.thread.perform { connection throws(PostgresError) in
                try connection.ensureConnected()
                do throws(PostgresError) {
                    _ = try connection.exec("LISTEN \(try connection.escapeIdentifier(channel))", [])
                } catch  where error.kind == .connectionLost {
                    // Dropped before the thread noticed; LISTEN is idempotent.
                    try connection.connect()
                    _ = try connection.exec("LISTEN \(try connection.escapeIdentifier(channel))", [])
                }
            }
        } catch {
            _ = subscribers.remove(channel: channel, id: id)
            throw error
        }
        continuation.onTermination = { [weak self] _ in
            guard let self, subscribers.remove(channel: channel, id: id) else { return }
            connection.thread.submit { connection in
                guard connection.isConnected, !self.subscribers.channels.contains(channel),
                    let quoted = try? connection.escapeIdentifier(channel)
                else { return }
                _ = try? connection.exec("UNLISTEN \(quoted)", [])
            }
        }
        return stream
    }

    /// Stops listening and ends every stream.
    public func close() {
        connection.close()
        subscribers.finishAll()
    }

    deinit { subscribers.finishAll() }
}

/// Streams per channel, shared by the async API and the connection thread.
final class Subscribers: Sendable {
    private let state = Mutex<[String: [UInt64: AsyncStream<PostgresNotification>.Continuation]]>([:])
    private let counter = Mutex<UInt64>(0)

    var channels: [String] { state.withLock { Array($0.keys) } }

    /// Adds a stream and returns its id.
    func add(channel: String, _ continuation: AsyncStream<PostgresNotification>.Continuation) -> UInt64 {
        let id = counter.withLock { value in
            value += 1
            return value
        }
        state.withLock { $0[channel, default: [:]][id] = continuation }
        return id
    }

    /// Removes a stream; true when it was the channel's last.
    func remove(channel: String, id: UInt64) -> Bool {
        state.withLock { state in
            guard state[channel]?.removeValue(forKey: id) != nil else { return false }
            if state[channel]?.isEmpty == true {
                state[channel] = nil
                return true
            }
            return false
        }
    }

    func deliver(_ notification: PostgresNotification) {
        let continuations = state.withLock { Array(($0[notification.channel] ?? [:]).values) }
        for continuation in continuations { continuation.yield(notification) }
    }

    func finishAll() {
        let all = state.withLock { state in
            defer { state.removeAll() }
            return state.values.flatMap(\.values)
        }
        all.forEach { $0.finish() }
    }
}
