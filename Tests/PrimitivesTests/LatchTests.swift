import Primitives
import Testing

@Suite(.timeLimit(.minutes(1))) struct LatchTests {
    @Test func everyWaiterReturnsWhenItFiresAndLaterOnesAtOnce() async {
        let latch = Latch()
        let waiters = (0..<5).map { _ in Task { await latch.wait() } }
        try? await Task.sleep(for: .milliseconds(50))
        #expect(!latch.isFired)
        latch.fire()
        for waiter in waiters { await waiter.value }
        await latch.wait() // fired: returns at once
        #expect(latch.isFired)
    }

    @Test func aCancelledWaitReturnsWithoutFiring() async {
        let latch = Latch()
        let waiting = Task { await latch.wait() }
        try? await Task.sleep(for: .milliseconds(20))
        waiting.cancel()
        await waiting.value
        #expect(!latch.isFired)
    }

    @Test func sleepEndsEarlyWhenItFires() async {
        let latch = Latch()
        let clock = ContinuousClock()
        let sleeping = Task { await clock.measure { await latch.sleep(for: .seconds(30)) } }
        try? await Task.sleep(for: .milliseconds(50))
        latch.fire()
        #expect(await sleeping.value < .seconds(5))
        #expect(await clock.measure { await Latch().sleep(for: .milliseconds(20)) } >= .milliseconds(20))
    }
}
