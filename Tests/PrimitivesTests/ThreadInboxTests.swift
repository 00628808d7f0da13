import Foundation
import TestSupport
import Testing

@testable import Primitives

#if canImport(Glibc)
    import Glibc
#endif

@Suite("ThreadInbox", .timeLimit(.minutes(1)), .logsOnFailure)
struct ThreadInboxTests {
    @Test func takesCommandsInOrder() {
        let inbox = ThreadInbox<Int>()
        #expect(inbox.post(1) && inbox.post(2) && inbox.post(3))
        #expect(inbox.take() == [1, 2, 3])
        #expect(inbox.take() == [])
    }

    @Test func aPostWakesTheOwnerAtOnce() {
        let inbox = ThreadInbox<Int>()
        let owner = Thread {
            Thread.sleep(forTimeInterval: 0.05)
            inbox.post(7)
        }
        owner.start()
        // Without the wake-up pipe this would sleep the whole minute.
        let started = ContinuousClock.now
        #expect(inbox.wait(timeout: .seconds(60)) == .posted)
        #expect(ContinuousClock.now - started < .seconds(30))
        #expect(inbox.take() == [7])
    }

    @Test func aPostBeforeTheWaitIsNotMissed() {
        let inbox = ThreadInbox<Int>()
        inbox.post(1)
        #expect(inbox.wait(timeout: .seconds(60)) == .posted)
        #expect(inbox.take() == [1])
    }

    @Test func waitTimesOutWithoutPostsOrInput() {
        let inbox = ThreadInbox<Int>()
        #expect(inbox.wait(timeout: .milliseconds(10)) == .timedOut)
        #expect(inbox.wait(timeout: .zero) == .timedOut)
    }

    @Test func reportsAReadySocket() throws {
        let inbox = ThreadInbox<Int>()
        var fds: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        defer {
            close(fds[0])
            close(fds[1])
        }
        #expect(inbox.wait(socket: fds[0], timeout: .milliseconds(10)) == .timedOut)
        var byte: UInt8 = 1
        #expect(write(fds[1], &byte, 1) == 1)
        #expect(inbox.wait(socket: fds[0], timeout: .seconds(60)) == .socketReady)
        // A post is still seen while the socket stays readable.
        inbox.post(5)
        #expect(inbox.wait(socket: fds[0], timeout: .seconds(60)) == .socketReady)
        #expect(inbox.take() == [5])
    }

    @Test func closeRefusesPostsWakesTheOwnerAndKeepsWhatCameBefore() {
        let inbox = ThreadInbox<String>()
        inbox.post("before")
        _ = inbox.wait(timeout: .zero) // the owner saw the first wake-up
        #expect(!inbox.isClosed)
        let closer = Thread {
            Thread.sleep(forTimeInterval: 0.05)
            inbox.close()
        }
        closer.start()
        #expect(inbox.wait(timeout: .seconds(60)) == .posted)
        #expect(inbox.isClosed)
        #expect(!inbox.post("after"))
        #expect(inbox.take() == ["before"])
        inbox.close() // twice is fine
        #expect(inbox.take() == [])
    }

    @Test(arguments: [
        (Duration.zero, Int32(0)),
        (.milliseconds(-5), 0),
        (.nanoseconds(1), 1),
        (.milliseconds(1), 1),
        (.microseconds(1500), 2),
        (.seconds(2), 2000),
        (.seconds(Int64.max), Int32.max),
    ])
    func pollTimeoutsRoundUpAndClamp(_ timeout: Duration, _ millis: Int32) {
        #expect(ThreadInbox<Int>.pollMilliseconds(timeout) == millis)
    }
}
