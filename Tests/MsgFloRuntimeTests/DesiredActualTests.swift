import Foundation
import MsgFlo
import MsgFloGraph
import MsgFloRuntime
import TestSupport
import Testing

/// The graph is the desired state, discovery the actual one.
@Suite(.logsOnFailure) struct DesiredActualTests {
    static func online(_ outputs: [RuntimeOutput], _ node: String) -> JSONValue? {
        outputs.messages(to: "a").first { $0.command == "changenode" && $0.payload["id"] == .string(node) }?
            .payload["metadata"]?["msgflo"]
    }

    @Test func aNodeGoesOnlineWhenItsParticipantAnnouncesAndOfflineWhenItExpires() throws {
        var harness = Harness()
        let appeared = harness.feed(.discovered(Fixtures.resize, announcedAt: nil))
        #expect(Self.online(appeared, "resize") == ["online": true, "instances": 1])
        #expect(appeared.commands(to: "b").contains("graph:changenode"))

        harness.advance(100)
        var second = Fixtures.resize
        second.id = "resize-2"
        #expect(Self.online(harness.feed(.discovered(second, announcedAt: nil)), "resize") == ["online": true, "instances": 2])
        #expect(Self.online(harness.feed(.discovered(Fixtures.resize, announcedAt: nil)), "resize") == nil, "no change, no news")

        harness.advance(550)
        #expect(harness.feed(.tick).messages(to: "a").isEmpty)
        harness.advance(60)
        let expired = harness.feed(.tick)
        #expect(Self.online(expired, "resize") == ["online": false, "instances": 0])
        let gone = expired.messages(to: "a").filter { $0.command == "error" }
        #expect(gone.count == 2)
        #expect(gone.first?.errorText.contains("was not heard from for 600 s") == true)
        #expect(gone.first?.payload["graph"] == "imageresize")
    }

    struct StampCase: Sendable, CustomTestStringConvertible {
        var name: String
        var announcedAgo: TimeInterval?
        var countsAsLive: Bool
        /// Seconds later, does a tick expire it?
        var expiresAfter: TimeInterval
        var testDescription: String { name }
    }

    static let stamps: [StampCase] = [
        StampCase(name: "no timestamp: the time it was read", announcedAgo: nil, countsAsLive: true, expiresAfter: 601),
        StampCase(name: "stamped 500 s ago: expires 100 s later", announcedAgo: 500, countsAsLive: true, expiresAfter: 101),
        StampCase(name: "stamped 700 s ago: a backlog leftover, ignored", announcedAgo: 700, countsAsLive: false, expiresAfter: 0),
        StampCase(name: "stamped in the future: clamped to now", announcedAgo: -3600, countsAsLive: true, expiresAfter: 601),
    ]

    @Test(arguments: stamps)
    func theAnnouncementsOwnTimeCounts(_ testCase: StampCase) {
        var harness = Harness()
        let stamp = testCase.announcedAgo.map { harness.now.addingTimeInterval(-$0) }
        harness.feed(.discovered(Fixtures.resize, announcedAt: stamp))
        #expect((harness.coordinator.registry.count == 1) == testCase.countsAsLive)
        guard testCase.countsAsLive else { return }
        harness.advance(testCase.expiresAfter - 2)
        harness.feed(.tick)
        #expect(harness.coordinator.registry.count == 1)
        harness.advance(2)
        harness.feed(.tick)
        #expect(harness.coordinator.registry.count == 0)
    }

    @Test func discoveredQueueNamesReplanTheBindings() throws {
        var harness = Harness()
        harness.feed(.startNetwork(graph: "imageresize"))
        let python = Fixtures.pythonParticipant("resize", component: "imageresize/ResizeImage")
        let replanned = harness.feed(.discovered(python, announcedAt: nil))
        #expect(
            replanned.actionSummaries == [
                "unbind web.RESIZEIMAGE -> resize.IN", "unbind resize.OUT -> store.IN", "unbind resize.ERROR -> store.IN",
                "bind web.RESIZEIMAGE -> resize/in", "bind resize/out -> store.IN", "bind resize/error -> store.IN",
                "tap resize/error",
            ])
        guard case .bind(_, let steps)? = replanned.actions.first(where: { $0.summary == "bind resize/out -> store.IN" }) else {
            Issue.record("no bind of resize/out")
            return
        }
        #expect(
            steps == TopologyPlan.inport("store.IN") + [.bindQueue(queue: "store.IN", exchange: "resize/out", routingKey: "")],
            "the live participant's exchange is bound, never declared")
        let edges = replanned.messages(to: "a").filter { $0.command == "changeedge" }.map { $0.payload["metadata"]?["msgflo"] }
        #expect(edges.contains(["exchange": "resize/out", "queue": "store.IN"]))
        #expect(harness.coordinator.appliedBindings("imageresize").map(\.source) == ["web.RESIZEIMAGE", "resize/out", "resize/error"])
    }

    @Test func aParticipantWithConventionalQueuesChangesNoBindingAndItsErrorPortIsWatched() {
        var harness = Harness()
        harness.feed(.startNetwork(graph: "imageresize"))
        #expect(harness.feed(.discovered(Fixtures.resize, announcedAt: nil)).actionSummaries == ["tap resize.ERROR"])
    }

    @Test func participantsInNoGraphAreListed() throws {
        var harness = Harness()
        let outputs = harness.feed(.discovered(Fixtures.participant("thumbs", component: "x/Thumbs"), announcedAt: nil))
        let notice = try #require(outputs.messages(to: "a").first { $0.command == "output" })
        #expect(notice.payload["message"]?.stringValue?.contains("role 'thumbs' (x/Thumbs) is running but is in no graph") == true)
        let source = harness.request("component", "getsource", ["name": "imageresize"])
        let code = source.messages(to: "a").first?.payload["code"]?.stringValue ?? ""
        let graph = try Graph(jsonText: code)
        #expect(graph.properties["msgflo"] == ["unlisted": [["id": "thumbs-1", "role": "thumbs", "component": "x/Thumbs"]]])
        #expect(graph.process(named: "web")?.metadata["msgflo"] == ["online": false, "instances": 0])
    }

    /// A silent participant no graph uses is news, not an error of any graph.
    @Test func anUnlistedParticipantGoingSilentIsOutputNotAnError() {
        var harness = Harness()
        harness.feed(.discovered(Fixtures.participant("thumbs", component: "x/Thumbs"), announcedAt: nil))
        harness.advance(601)
        let expired = harness.feed(.tick).messages(to: "a")
        #expect(!expired.contains { $0.command == "error" })
        #expect(expired.contains { $0.command == "output" && $0.payload["message"]?.stringValue?.contains("thumbs-1") == true })
    }

    @Test func anUnplannableGraphKeepsItsBindingsAndSaysWhyOnce() {
        var harness = Harness()
        harness.feed(.startNetwork(graph: "imageresize"))
        harness.request("graph", "addnode", ["id": "jobs", "component": "msgflo/RoundRobin", "graph": "imageresize"])
        let half = harness.request(
            "graph", "addedge", ["src": Fixtures.port("web", "resizeimage"), "tgt": Fixtures.port("jobs", "in"), "graph": "imageresize"])
        #expect(half.actions.isEmpty)
        #expect(half.messages(to: "b").contains { $0.command == "error" && $0.errorText.contains("round-robin node 'jobs' has no OUT") })
        let again = harness.request("graph", "changenode", ["id": "web", "metadata": ["x": 1], "graph": "imageresize"])
        #expect(!again.messages(to: "b").contains { $0.command == "error" })
        let done = harness.request(
            "graph", "addedge", ["src": Fixtures.port("jobs", "out"), "tgt": Fixtures.port("store", "in"), "graph": "imageresize"])
        #expect(done.actionSummaries == ["bind web.RESIZEIMAGE -> store.IN"])
    }
}
