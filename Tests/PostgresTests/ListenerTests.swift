import Foundation
import TestSupport
import Testing

@testable import Postgres

@Suite(.timeLimit(.minutes(1)), .logsOnFailure) struct ListenerTests {
    @Test func notificationsArriveInOrder() async throws {
        let channel = "test_" + UUID().uuidString
        let listener = try await PostgresListener.connect(url: TestDatabase.url)
        defer { listener.close() }
        let stream = try await listener.notifications(channel: channel)
        let other = try await listener.notifications(channel: channel + "_other")
        _ = other
        let db = try await PostgresConnection.connect(url: TestDatabase.url)
        defer { db.close() }
        for payload in ["one", "two", "three"] { try await db.notify(channel: channel, payload: payload) }
        try await db.notify(channel: channel + "_other", payload: "elsewhere")
        var received: [String] = []
        for await notification in stream {
            #expect(notification.channel == channel)
            received.append(notification.payload)
            if received.count == 3 { break }
        }
        #expect(received == ["one", "two", "three"])
    }

    @Test func aNotifyInsideATransactionArrivesOnlyAfterCommit() async throws {
        let channel = "test_" + UUID().uuidString
        let listener = try await PostgresListener.connect(url: TestDatabase.url)
        defer { listener.close() }
        let stream = try await listener.notifications(channel: channel)
        let db = try await PostgresConnection.connect(url: TestDatabase.url)
        defer { db.close() }
        await #expect(throws: CancellationError.self) {
            try await db.transaction { tx in
                try await tx.notify(channel: channel, payload: "rolled back")
                throw CancellationError()
            }
        }
        try await db.transaction { tx in try await tx.notify(channel: channel, payload: "committed") }
        var iterator = stream.makeAsyncIterator()
        #expect(await iterator.next()?.payload == "committed")
    }

    @Test func theListenerReconnectsAndListensAgain() async throws {
        let channel = "test_" + UUID().uuidString
        let name = "listener_" + UUID().uuidString.prefix(8)
        let listener = try await PostgresListener.connect(url: TestDatabase.url(adding: "application_name=\(name)"))
        defer { listener.close() }
        let stream = try await listener.notifications(channel: channel)
        let db = try await PostgresConnection.connect(url: TestDatabase.url)
        defer { db.close() }
        let pid = try await db.query("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [.string(name)])[0].int("pid")
        try await TestDatabase.terminate(pid: pid)
        // A new subscription right away may be what re-opens the connection:
        // the old channel must be listened to again either way.
        let later = try await listener.notifications(channel: channel + "_later")
        _ = later
        // Notifications sent while it reconnects are lost: keep sending
        // until one arrives on the new connection.
        let sender = Task {
            for index in 0..<600 where !Task.isCancelled {
                try await db.notify(channel: channel, payload: "\(index)")
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        defer { sender.cancel() }
        var iterator = stream.makeAsyncIterator()
        let notification = await iterator.next()
        #expect(notification?.channel == channel)
        let newPID = try await db.query("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [.string(name)])[0].int("pid")
        #expect(newPID != pid)
    }

    @Test func closingEndsTheStreams() async throws {
        let listener = try await PostgresListener.connect(url: TestDatabase.url)
        let stream = try await listener.notifications(channel: "test_close")
        listener.close()
        var iterator = stream.makeAsyncIterator()
        #expect(await iterator.next() == nil)
    }

    @Test func twoSubscribersOnOneChannelBothReceive() async throws {
        let channel = "test_" + UUID().uuidString
        let listener = try await PostgresListener.connect(url: TestDatabase.url)
        defer { listener.close() }
        let first = try await listener.notifications(channel: channel)
        let second = try await listener.notifications(channel: channel)
        let db = try await PostgresConnection.connect(url: TestDatabase.url)
        defer { db.close() }
        try await db.notify(channel: channel, payload: "both")
        var firstIterator = first.makeAsyncIterator()
        var secondIterator = second.makeAsyncIterator()
        #expect(await firstIterator.next()?.payload == "both")
        #expect(await secondIterator.next()?.payload == "both")
    }
}
