import Foundation
import Testing
@testable import MsgFlo
import TestSupport
import Primitives

@Suite("ParticipantConfiguration")
struct ParticipantConfigurationTests {
    @Test(arguments: [
        ([String: String](), ParticipantConfiguration(prefetch: 2, discoveryPeriod: 60, drainGrace: 20)),
        (["MSGFLO_PREFETCH": "8"], ParticipantConfiguration(prefetch: 8)),
        (["MSGFLO_DISCOVERY_PERIOD": "22"], ParticipantConfiguration(discoveryPeriod: 22)),
        (["MSGFLO_DISCOVERY_PERIOD": "0.5", "MSGFLO_DRAIN_GRACE": "0"], ParticipantConfiguration(discoveryPeriod: 0.5, drainGrace: 0)),
    ])
    func readsTheEnvironment(environment: [String: String], expected: ParticipantConfiguration) throws {
        #expect(try ParticipantConfiguration(environment: environment) == expected)
    }

    @Test(arguments: [
        ("MSGFLO_PREFETCH", "0"), ("MSGFLO_PREFETCH", "two"), ("MSGFLO_PREFETCH", "-1"),
        ("MSGFLO_DISCOVERY_PERIOD", "0"), ("MSGFLO_DISCOVERY_PERIOD", "soon"), ("MSGFLO_DRAIN_GRACE", "-5"),
    ])
    func rejectsInvalidValues(name: String, value: String) {
        #expect(throws: ParticipantError.self) { try ParticipantConfiguration(environment: [name: value]) }
    }

    @Test func discoveryIntervalFollowsMsgFlo() {
        #expect(ParticipantConfiguration(discoveryPeriod: 22).discoveryInterval == 10)
    }
}
