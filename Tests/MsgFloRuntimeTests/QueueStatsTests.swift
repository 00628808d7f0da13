import Foundation
import MsgFlo
import MsgFloGraph
import MsgFloRuntime
import PlatformClients
import TestSupport
import Testing

/// Queue depth, rate and consumers reach clients as edge metadata
/// (`metadata.msgflo.messages/rate/consumers` of the edge's target queue),
/// and only when a figure changed.
@Suite(.logsOnFailure) struct QueueStatsTests {
    /// The `metadata.msgflo` of each graph:changeedge sent to `client`, by edge id.
    static func edgeNews(_ outputs: [RuntimeOutput], to client: ClientID = "a") -> [String: JSONValue] {
        var news: [String: JSONValue] = [:]
        for message in outputs.messages(to: client) where message.command == "changeedge" {
            guard let src = message.payload["src"], let tgt = message.payload["tgt"] else { continue }
            let id = "\(src["node"]?.stringValue ?? "?").\(src["port"]?.stringValue ?? "?")->\(tgt["node"]?.stringValue ?? "?")"
            news[id] = message.payload["metadata"]?["msgflo"] ?? .null
        }
        return news
    }

    static func stats(_ entries: [(String, Int, Double, Int)]) -> RuntimeInput {
        .queueStats(
            Dictionary(
                uniqueKeysWithValues: entries.map { name, messages, rate, consumers in
                    (name, QueueStats(name: name, messages: messages, consumers: consumers, publishRate: rate))
                }))
    }

    struct Step: Sendable, CustomTestStringConvertible {
        var name: String
        var input: RuntimeInput
        /// Edge (`src.port->tgt`) to its expected `metadata.msgflo`; edges not listed get no news.
        var news: [String: JSONValue]
        var testDescription: String { name }
    }

    static func live(_ exchange: String, _ queue: String, _ figures: (Int, Double, Int)? = nil) -> JSONValue {
        var object: [String: JSONValue] = ["exchange": .string(exchange), "queue": .string(queue)]
        if let (messages, rate, consumers) = figures {
            object["messages"] = .number(Double(messages))
            object["rate"] = .number(rate)
            object["consumers"] = .number(Double(consumers))
        }
        return .object(object)
    }

    /// One run through the states an edge's queue goes through; each step's news is checked.
    static let steps: [Step] = [
        Step(
            name: "first figures: every edge into a known queue",
            input: stats([("resize.IN", 5, 12.34, 1), ("store.IN", 0, 0, 2), ("unrelated.IN", 9, 9, 9)]),
            news: [
                "web.resizeimage->resize": live("web.RESIZEIMAGE", "resize.IN", (5, 12.3, 1)),
                "resize.out->store": live("resize.OUT", "store.IN", (0, 0, 2)),
                "resize.error->store": live("resize.ERROR", "store.IN", (0, 0, 2)),
            ]),
        Step(
            name: "the same figures again: no news",
            input: stats([("resize.IN", 5, 12.34, 1), ("store.IN", 0, 0, 2)]), news: [:]),
        Step(
            name: "a rate that only jitters below 0.05: no news",
            input: stats([("resize.IN", 5, 12.31, 1), ("store.IN", 0, 0.01, 2)]), news: [:]),
        Step(
            name: "depth of one queue changes: only its edges",
            input: stats([("resize.IN", 7, 12.31, 1), ("store.IN", 0, 0, 2)]),
            news: ["web.resizeimage->resize": live("web.RESIZEIMAGE", "resize.IN", (7, 12.3, 1))]),
        Step(
            name: "consumers change: news",
            input: stats([("resize.IN", 7, 12.31, 1), ("store.IN", 0, 0, 3)]),
            news: [
                "resize.out->store": live("resize.OUT", "store.IN", (0, 0, 3)),
                "resize.error->store": live("resize.ERROR", "store.IN", (0, 0, 3)),
            ]),
        Step(
            name: "a queue gone from the figures: its edges lose them (unknown, not zero)",
            input: stats([("store.IN", 0, 0, 3)]),
            news: ["web.resizeimage->resize": live("web.RESIZEIMAGE", "resize.IN")]),
        Step(
            name: "glitched figures (negative, infinite) read as zero",
            input: .queueStats(["store.IN": QueueStats(name: "store.IN", messages: -1, consumers: -2, publishRate: .infinity)]),
            news: [
                "resize.out->store": live("resize.OUT", "store.IN", (0, 0, 0)),
                "resize.error->store": live("resize.ERROR", "store.IN", (0, 0, 0)),
            ]),
    ]

    @Test func figuresAreNewsOnlyWhenTheyChange() {
        var harness = Harness()
        for step in Self.steps {
            let outputs = harness.feed(step.input)
            #expect(Self.edgeNews(outputs) == step.news, "\(step.name)")
            #expect(Self.edgeNews(outputs, to: "b") == step.news, "every client hears it: \(step.name)")
            #expect(outputs.actions.isEmpty, "figures change no broker state: \(step.name)")
            #expect(outputs.messages(to: "a").allSatisfy { $0.command == "changeedge" && $0.responseTo == nil })
        }
    }

    @Test func aClientWithoutTheSecretHearsNothing() {
        var harness = Harness(configuration: Fixtures.configuration(secret: "s3cret"))
        harness.request("runtime", "getruntime", [:], from: "b", secret: "s3cret")
        let outputs = harness.feed(Self.stats([("resize.IN", 1, 1, 1)]))
        #expect(outputs.messages(to: "a").isEmpty)
        #expect(Self.edgeNews(outputs, to: "b").keys.sorted() == ["web.resizeimage->resize"])
    }

    @Test func newEdgesAndTheSourceCarryTheFigures() throws {
        var harness = Harness()
        harness.feed(Self.stats([("store.IN", 4, 2, 1)]))
        let added = harness.request(
            "graph", "addedge",
            [
                "src": Fixtures.port("web", "resizeimage"), "tgt": Fixtures.port("store", "in"),
                "graph": "imageresize",
            ])
        let echo = try #require(added.messages(to: "a").first { $0.command == "addedge" })
        #expect(echo.payload["metadata"]?["msgflo"] == Self.live("web.RESIZEIMAGE", "store.IN", (4, 2, 1)))

        let source = harness.request("component", "getsource", ["name": "imageresize"])
        let code = try #require(source.messages(to: "a").first?.payload["code"]?.stringValue)
        let graph = try JSONValue(parsing: Data(code.utf8))
        let messages = graph["connections"]?.arrayValue?.compactMap { $0["metadata"]?["msgflo"]?["messages"] }
        #expect(messages == [4, 4, 4], "all three store.IN edges: \(code)")
    }

    @Test func figuresAreNeverSaved() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = GraphStorage(path: directory.appendingPathComponent("g.json").path, format: .json)
        var harness = Harness(configuration: Fixtures.configuration(autoSave: true), graphs: [Fixtures.imageResize(storage: storage)])
        harness.feed(Self.stats([("store.IN", 4, 2, 1)]))
        let changed = harness.request(
            "graph", "changeedge",
            [
                "src": Fixtures.port("resize", "out"), "tgt": Fixtures.port("store", "in"),
                "metadata": ["route": 3], "graph": "imageresize",
            ])
        guard case .save(let save)? = changed.actions.first(where: { if case .save = $0 { true } else { false } }) else {
            Issue.record("no save: \(changed.actionSummaries)")
            return
        }
        #expect(!save.text.contains("\"messages\""), "\(save.text)")
        #expect(save.text.contains("\"route\""))
    }
}
