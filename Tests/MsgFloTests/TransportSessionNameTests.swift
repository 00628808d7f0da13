import MsgFlo
import Testing

@Suite("TransportOptions.sessionName")
struct TransportSessionNameTests {
    /// Only an explicit MSGFLO_INSTANCE names a session: Heroku's DYNO alone
    /// does not (an autoscaled instance that never comes back would hold its
    /// share of a shared subscription's messages).
    @Test(
        arguments: [
            (["MSGFLO_INSTANCE": "2"], "resize-2"),
            (["MSGFLO_INSTANCE": "worker.3"], "resize-worker.3"),
            (["MSGFLO_INSTANCE": "a", "DYNO": "worker.3"], "resize-a"),
            (["DYNO": "worker.3"], nil),
            (["MSGFLO_INSTANCE": " "], nil),
            ([:], nil),
        ] as [([String: String], String?)])
    func namesTheInstanceOnlyWhenTheEnvironmentDoes(environment: [String: String], expected: String?) {
        #expect(TransportOptions.sessionName(role: "resize", environment: environment) == expected)
    }
}
