import Foundation
import Primitives
import TestSupport
import Testing

@testable import MsgFlo

@Suite("ParticipantConfiguration", .logsOnFailure)
struct ParticipantConfigurationTests {
    @Test(arguments: [
        ([String: String](), ParticipantConfiguration(prefetch: nil, discoveryPeriod: 60, drainGrace: 20)),
        (["MSGFLO_PREFETCH": "8"], ParticipantConfiguration()), // a transport option
        (["MSGFLO_DISCOVERY_PERIOD": "22"], ParticipantConfiguration(discoveryPeriod: 22)),
        (["MSGFLO_DISCOVERY_PERIOD": "0.5", "MSGFLO_DRAIN_GRACE": "0"], ParticipantConfiguration(discoveryPeriod: 0.5, drainGrace: 0)),
        (
            ["MSGFLO_RETRY_LIMIT": "3", "MSGFLO_RETRY_WINDOW": "1.5"],
            ParticipantConfiguration(retryBudget: RetryBudget(maxRetries: 3, window: .milliseconds(1500)))
        ),
        (["MSGFLO_RETRY_LIMIT": "0"], ParticipantConfiguration(retryBudget: RetryBudget(maxRetries: 0))),
        ([:], ParticipantConfiguration(deliveryLimit: 5)),
        (["MSGFLO_DELIVERY_LIMIT": "2"], ParticipantConfiguration(deliveryLimit: 2)),
        (["MSGFLO_DELIVERY_LIMIT": "off"], ParticipantConfiguration(deliveryLimit: nil)),
    ])
    func readsTheEnvironment(environment: [String: String], expected: ParticipantConfiguration) throws {
        #expect(try ParticipantConfiguration(environment: environment) == expected)
    }

    @Test(arguments: [
        ("MSGFLO_DISCOVERY_PERIOD", "0"), ("MSGFLO_DISCOVERY_PERIOD", "soon"), ("MSGFLO_DRAIN_GRACE", "-5"),
        ("MSGFLO_DRAIN_GRACE", "inf"), ("MSGFLO_RETRY_LIMIT", "-1"), ("MSGFLO_RETRY_LIMIT", "many"),
        ("MSGFLO_RETRY_WINDOW", "0"), ("MSGFLO_RETRY_WINDOW", "nan"), ("MSGFLO_DELIVERY_LIMIT", "-1"),
        ("MSGFLO_DELIVERY_LIMIT", "9999999999999999999999"), ("MSGFLO_DELIVERY_LIMIT", ""),
    ])
    func rejectsInvalidValues(name: String, value: String) {
        #expect(throws: ParticipantError.self) { try ParticipantConfiguration(environment: [name: value]) }
    }

    @Test(arguments: [
        ([String: String](), 2), (["MSGFLO_PREFETCH": "8"], 8), (["MSGFLO_PREFETCH": " 3 "], 3),
    ])
    func transportOptionsReadThePrefetch(environment: [String: String], prefetch: Int) throws {
        #expect(try TransportOptions(environment: environment).prefetch == prefetch)
    }

    @Test(arguments: ["0", "two", "-1", "99999999999999999999"])
    func transportOptionsRejectInvalidPrefetch(value: String) {
        #expect(throws: ParticipantError.self) { try TransportOptions(environment: ["MSGFLO_PREFETCH": value]) }
    }

    @Test func aParticipantTakesTheTransportsPrefetchUnlessItSetsItsOwn() {
        let transport = InProcessTransport(broker: InProcessBroker(), options: TransportOptions(prefetch: 7))
        let definition = ParticipantDefinition.conventional(role: "p", component: "c", inports: ["in"], outports: [])
        #expect(Participant(definition: definition, transport: transport) { _, _, _ in }.prefetch == 7)
        #expect(
            Participant(
                definition: definition, transport: transport,
                configuration: ParticipantConfiguration(prefetch: 3)
            ) { _, _, _ in }.prefetch == 3)
    }

    @Test func discoveryIntervalFollowsMsgFlo() {
        #expect(ParticipantConfiguration(discoveryPeriod: 22).discoveryInterval == 10)
    }
}
