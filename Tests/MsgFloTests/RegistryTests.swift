import Foundation
import Primitives
import TestSupport
import Testing

@testable import MsgFlo

@Suite("ParticipantRegistry", .logsOnFailure)
struct RegistryTests {
    static let t0 = Date(timeIntervalSince1970: 1_000_000)

    static func announcement(id: String, role: String, component: String = "c", inport: String = "in") -> Data {
        DiscoveryMessage(
            participant: .conventional(
                role: role, component: component, id: id,
                inports: [inport], outports: ["out"])
        ).encoded()
    }

    /// (message, seconds after t0) → the kind of result expected.
    struct IngestCase: Sendable, CustomTestStringConvertible {
        var name: String
        var messages: [(body: Data, at: TimeInterval)]
        var results: [String]
        var ids: [String]
        var testDescription: String { name }
    }

    static func kind(_ result: ParticipantRegistry.IngestResult) -> String {
        switch result {
        case .added(let entry): return "added \(entry.id)"
        case .updated(let entry, let changed): return "updated \(entry.id)\(changed ? " changed" : "")"
        case .rejected: return "rejected"
        }
    }

    static let ingestCases: [IngestCase] = [
        IngestCase(
            name: "first sighting adds, the next one updates",
            messages: [(announcement(id: "a-1", role: "a"), 0), (announcement(id: "a-1", role: "a"), 27)],
            results: ["added a-1", "updated a-1"], ids: ["a-1"]),
        IngestCase(
            name: "a changed definition is an update that says so",
            messages: [(announcement(id: "a-1", role: "a"), 0), (announcement(id: "a-1", role: "a", inport: "input"), 27)],
            results: ["added a-1", "updated a-1 changed"], ids: ["a-1"]),
        IngestCase(
            name: "malformed messages are rejected between valid ones",
            messages: [
                (Data("garbage".utf8), 0), (announcement(id: "a-1", role: "a"), 1),
                (Data(#"{"protocol":"discovery","command":"participant","payload":{"id":"x","role":"r","component":"c","outports":[]}}"#.utf8), 2),
                (Data("{}".utf8), 3), (announcement(id: "b-1", role: "b"), 4),
            ],
            results: ["rejected", "added a-1", "rejected", "rejected", "added b-1"], ids: ["a-1", "b-1"]),
    ]

    @Test(arguments: ingestCases)
    func ingest(_ ingestCase: IngestCase) {
        var registry = ParticipantRegistry()
        let results = ingestCase.messages.map { registry.ingest($0.body, at: Self.t0.addingTimeInterval($0.at)) }
        #expect(results.map(Self.kind) == ingestCase.results)
        #expect(registry.participants.map(\.id) == ingestCase.ids)
    }

    @Test func rejectionCarriesTheReason() {
        var registry = ParticipantRegistry()
        let result = registry.ingest(
            Data(#"{"protocol":"discovery","command":"participant","payload":{"id":"x","role":"r","component":"c","outports":[]}}"#.utf8), at: Self.t0
        )
        #expect(result == .rejected(.missingKey(path: "payload.inports")))
        #expect(registry.count == 0)
    }

    @Test func tracksFirstAndLastSeen() throws {
        var registry = ParticipantRegistry()
        registry.ingest(Self.announcement(id: "a-1", role: "a"), at: Self.t0)
        registry.ingest(Self.announcement(id: "a-1", role: "a"), at: Self.t0.addingTimeInterval(30))
        // A late, out-of-order message does not move lastSeen back.
        registry.ingest(Self.announcement(id: "a-1", role: "a"), at: Self.t0.addingTimeInterval(10))
        let entry = try #require(registry["a-1"])
        #expect(entry.firstSeen == Self.t0)
        #expect(entry.lastSeen == Self.t0.addingTimeInterval(30))
    }

    @Test func groupsByRole() {
        var registry = ParticipantRegistry()
        for (id, role) in [("resize-2", "resize"), ("store-1", "store"), ("resize-1", "resize")] {
            registry.ingest(Self.announcement(id: id, role: role), at: Self.t0)
        }
        #expect(registry.roles == ["resize", "store"])
        #expect(registry.byRole.mapValues { $0.map(\.id) } == ["resize": ["resize-1", "resize-2"], "store": ["store-1"]])
        #expect(registry.participants(role: "resize").count == 2)
    }

    /// (expiry, last seen per id in seconds after t0, now) → ids left.
    @Test(arguments: [
        (600.0, ["a": 0.0, "b": 100.0], 600.0, ["a", "b"]),
        (600.0, ["a": 0.0, "b": 100.0], 600.5, ["b"]),
        (600.0, ["a": 0.0, "b": 100.0], 701.0, [String]()),
        (60.0, ["a": 0.0, "b": 100.0], 120.0, ["b"]),
    ])
    func expiresSilentParticipants(expiry: TimeInterval, lastSeen: [String: TimeInterval], now: TimeInterval, left: [String]) {
        var registry = ParticipantRegistry(expiry: expiry)
        for (id, at) in lastSeen { registry.ingest(Self.announcement(id: id, role: "r"), at: Self.t0.addingTimeInterval(at)) }
        let removed = registry.expire(now: Self.t0.addingTimeInterval(now))
        #expect(registry.participants.map(\.id) == left)
        #expect(Set(removed.map(\.id)) == Set(lastSeen.keys).subtracting(left))
    }

    @Test func aHeartbeatKeepsAParticipant() {
        var registry = ParticipantRegistry()
        registry.ingest(Self.announcement(id: "a", role: "r"), at: Self.t0)
        registry.ingest(Self.announcement(id: "a", role: "r"), at: Self.t0.addingTimeInterval(500))
        #expect(registry.expire(now: Self.t0.addingTimeInterval(1000)).isEmpty)
        #expect(registry.expire(now: Self.t0.addingTimeInterval(1101)).map(\.id) == ["a"])
    }
}
