import MsgFlo
import Testing

@Suite("TransportOptions.sessionName")
struct TransportSessionNameTests {
    @Test(
        arguments: [
            (["MSGFLO_INSTANCE": "2"], "resize-2"),
            (["DYNO": "worker.3"], "resize-worker.3"),
            (["MSGFLO_INSTANCE": "a", "DYNO": "worker.3"], "resize-a"),
            (["MSGFLO_INSTANCE": " ", "DYNO": "worker.3"], "resize-worker.3"),
            ([:], nil),
        ] as [([String: String], String?)])
    func namesTheInstanceOnlyWhenTheEnvironmentDoes(environment: [String: String], expected: String?) {
        #expect(TransportOptions.sessionName(role: "resize", environment: environment) == expected)
    }
}
