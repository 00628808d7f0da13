import Foundation
import MsgFlo
import MsgFloGraph
import MsgFloRuntime
import TestSupport
import Testing

/// Watching edges: taps start and stop with the selections; data is sampled per client per edge.
@Suite(.logsOnFailure) struct EdgeDataTests {
    static let resizeToStore: JSONValue = ["src": Fixtures.port("resize", "out"), "tgt": Fixtures.port("store", "in")]
    static let webToResize: JSONValue = ["src": Fixtures.port("web", "resizeimage"), "tgt": Fixtures.port("resize", "in")]

    @discardableResult
    static func watch(_ harness: inout Harness, _ edges: [JSONValue], from client: ClientID = "a") -> [RuntimeOutput] {
        harness.request("network", "edges", ["graph": "imageresize", "edges": .array(edges)], from: client)
    }

    @Test func watchingAnEdgeTapsItsSourceAndSendsItsData() throws {
        var harness = Harness()
        let watched = Self.watch(&harness, [Self.resizeToStore])
        #expect(watched.actionSummaries == ["tap resize.OUT"])
        #expect(watched.commands(to: "a") == ["network:edges"])
        #expect(watched.messages(to: "a").first?.responseTo == nil, "network:edges' schema allows no responseTo")
        #expect(watched.messages(to: "b").isEmpty)

        let seen = harness.feed(.tapped(exchange: "resize.OUT", json: ["id": 1]))
        let data = try #require(seen.messages(to: "a").first)
        #expect(
            data.payload == [
                "id": "resize() OUT -> IN store()", "src": Fixtures.port("resize", "out"),
                "tgt": Fixtures.port("store", "in"), "graph": "imageresize", "data": ["id": 1],
            ])
        #expect(seen.messages(to: "b").isEmpty, "b did not ask")
        #expect(harness.feed(.tapped(exchange: "web.RESIZEIMAGE", json: 1)).isEmpty)
    }

    @Test func aHotEdgeIsSampledAndTheSkippedAreCounted() {
        var harness = Harness(configuration: Fixtures.configuration(rate: 2))
        Self.watch(&harness, [Self.resizeToStore])
        var delivered: [String] = []
        for i in 0..<10 {
            let outputs = harness.feed(.tapped(exchange: "resize.OUT", json: .number(Double(i))))
            delivered += outputs.messages(to: "a").map(\.command)
            harness.advance(0.05)
        }
        #expect(delivered == ["data", "data"])
        harness.advance(1)
        let next = harness.feed(.tapped(exchange: "resize.OUT", json: 99))
        #expect(next.commands(to: "a") == ["network:output", "network:data"])
        #expect(
            next.messages(to: "a").first?.payload["message"]
                == "skipped 8 messages on resize() OUT -> IN store() in graph 'imageresize' (at most 2 per second are shown)")
    }

    @Test func pendingSkipsAreReportedOnTickAfterABurst() {
        var harness = Harness(configuration: Fixtures.configuration(rate: 1))
        Self.watch(&harness, [Self.resizeToStore])
        for _ in 0..<5 { harness.feed(.tapped(exchange: "resize.OUT", json: 1)) }
        harness.advance(1)
        let tick = harness.feed(.tick)
        #expect(tick.commands(to: "a") == ["network:output"])
        #expect(harness.feed(.tick).messages(to: "a").isEmpty)
    }

    @Test func eachClientHasItsOwnSamplerAndSelection() {
        var harness = Harness(configuration: Fixtures.configuration(rate: 1))
        Self.watch(&harness, [Self.resizeToStore])
        let second = Self.watch(&harness, [Self.resizeToStore, Self.webToResize], from: "b")
        #expect(second.actionSummaries == ["tap web.RESIZEIMAGE"], "resize.OUT is tapped already")
        harness.feed(.tapped(exchange: "resize.OUT", json: 1))
        let both = harness.feed(.tapped(exchange: "resize.OUT", json: 2))
        #expect(both.messages(to: "a").isEmpty && both.messages(to: "b").isEmpty)

        let aLeaves = harness.feed(.clientDisconnected("a"))
        #expect(aLeaves.actions.isEmpty, "b still watches resize.OUT")
        let bUnwatches = Self.watch(&harness, [], from: "b")
        #expect(bUnwatches.actionSummaries == ["untap resize.OUT", "untap web.RESIZEIMAGE"])
    }

    @Test func removingAWatchedEdgeStopsItsTap() {
        var harness = Harness()
        Self.watch(&harness, [Self.resizeToStore])
        let removed = harness.request(
            "graph", "removeedge",
            [
                "src": Fixtures.port("resize", "out"), "tgt": Fixtures.port("store", "in"),
                "graph": "imageresize",
            ])
        #expect(removed.actionSummaries == ["untap resize.OUT"])
        #expect(harness.coordinator.watchedEdges("a", graph: "imageresize").isEmpty)
    }

    @Test func edgesOutOfARoundRobinNodeTapTheOutportsFeedingIt() {
        var harness = Harness()
        harness.request("graph", "addnode", ["id": "jobs", "component": "msgflo/RoundRobin", "graph": "imageresize"])
        harness.request("graph", "addedge", ["src": Fixtures.port("web", "resizeimage"), "tgt": Fixtures.port("jobs", "in"), "graph": "imageresize"])
        harness.request("graph", "addedge", ["src": Fixtures.port("jobs", "out"), "tgt": Fixtures.port("store", "in"), "graph": "imageresize"])
        let watched = Self.watch(&harness, [["src": Fixtures.port("jobs", "out"), "tgt": Fixtures.port("store", "in")]])
        #expect(watched.actionSummaries == ["tap web.RESIZEIMAGE"])
    }

    @Test func errorPortMessagesAreNetworkErrorsAndProcessErrorsInDebug() throws {
        var harness = Harness()
        harness.feed(.discovered(Fixtures.resize, announcedAt: nil))
        harness.request("network", "debug", ["enable": true, "graph": "imageresize"], from: "b")
        let failed = harness.feed(.tapped(exchange: "resize.ERROR", json: ["error": "decode_failed"]))
        #expect(failed.commands(to: "a") == ["network:error"])
        #expect(failed.commands(to: "b") == ["network:error", "network:processerror"])
        #expect(failed.messages(to: "a").first?.errorText == #"'resize' sent on its error port: {"error":"decode_failed"}"#)
        #expect(failed.messages(to: "b").last?.payload["id"] == "resize")
    }
}
