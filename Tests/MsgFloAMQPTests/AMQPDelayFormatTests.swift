import TestSupport
import Testing

@testable import MsgFloAMQP

@Suite("AMQP reconnect log lines", .logsOnFailure)
struct AMQPDelayFormatTests {
    @Test(arguments: [
        (Duration.seconds(2), "2 s"), (.milliseconds(1500), "1.5 s"), (.milliseconds(12_400), "12 s"),
        (.milliseconds(1960), "2 s"), (.milliseconds(200), "0.2 s"), (.milliseconds(9960), "10 s"),
    ])
    func formatsDelaysForLogLines(_ delay: Duration, _ text: String) {
        #expect(AMQPConnectionThread.format(delay) == text)
    }
}
