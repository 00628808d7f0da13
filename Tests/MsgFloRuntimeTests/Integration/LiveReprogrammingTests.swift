import Foundation
import MsgFlo
import MsgFloRuntime
import TestSupport
import Testing

/// Messages flow through three real `msgflo participant Repeat` processes that
/// the runtime started (`--participants`); removing an edge stops the flow on
/// it without touching what is queued, adding it back resumes it; every
/// message is counted.
@Suite(.logsOnFailure, .tags(.amqpIntegration), .timeLimit(.minutes(4)))
struct LiveReprogrammingTests {
    static let graph = """
        # @runtime msgflo
        # @name live
        a(Repeat) OUT -> IN b(Repeat)
        b OUT -> IN c(SlowRepeat)
        """

    /// c takes 0.2 s a message, one at a time, so a backlog builds up in c.IN.
    static let library = [
        "Repeat": "msgflo participant Repeat --role #ROLE",
        "SlowRepeat": "msgflo participant Repeat --role #ROLE --delay 0.2 --prefetch 1",
    ]

    static let edgeBC: JSONValue = ["src": ["node": "b", "port": "out"], "tgt": ["node": "c", "port": "in"], "graph": "live"]

    @Test func removeedgeStopsTheFlowAddedgeResumesItNothingLostOrDuplicated() async throws {
        try await TestVhost.with { vhost in try await reprogram(vhost) }
    }

    func reprogram(_ vhost: TestVhost) async throws {
        let runtime = try await RuntimeFixture.start(vhost: vhost, fbp: Self.graph, manage: true, library: Self.library)
        #expect(await runtime.eventually { $0.registry.roles == ["a", "b", "c"] }, "the three processes started and announced themselves")
        #expect(runtime.host.coordinator.runningProcesses.sorted() == ["a", "b", "c"])
        let transport = try await vhost.transport()
        let afterB = try await MessageCounter.bind("probe.b", to: "b.OUT", on: transport)
        let afterC = try await MessageCounter.bind("probe.c", to: "c.OUT", on: transport)
        let client = try await runtime.client()

        // 1. Flowing: every message passes b; c works through its backlog.
        let first = batch(1, count: 30)
        try await transport.publish(first, to: "a.IN")
        #expect(await afterB.waitForTotal(30))
        let deliveredBeforeRemoval = afterC.total
        #expect(deliveredBeforeRemoval < 30, "c still had a backlog in c.IN when the edge was removed")

        // 2. removeedge: the binding goes at once; what is queued in c.IN stays and is still delivered.
        let removed = try await client.request("graph", "removeedge", Self.edgeBC)
        #expect(removed.commands.contains("graph:removeedge"))
        #expect(await eventually { (try? await vhost.destinations(of: "b.OUT")) == ["probe.b"] }, "b.OUT -> c.IN unbound")
        let second = batch(2, count: 20)
        try await transport.publish(second, to: "a.IN")
        #expect(await afterB.waitForTotal(50), "a and b keep working")
        #expect(await afterC.waitForTotal(30), "the 30 that had passed b reached c: queued messages stayed queued")
        try await Task.sleep(for: .seconds(1.5))
        #expect(afterC.total == 30, "nothing of batch 2 crossed the removed edge")

        // 3. addedge: bound again; new messages flow.
        let added = try await client.request("graph", "addedge", Self.edgeBC)
        #expect(added.commands.contains("graph:addedge"))
        #expect(await eventually { (try? await vhost.destinations(of: "b.OUT")) == ["c.IN", "probe.b"] })
        let third = batch(3, count: 20)
        try await transport.publish(third, to: "a.IN")
        #expect(await afterC.waitForTotal(50))
        #expect(await afterB.waitForTotal(70))
        try await Task.sleep(for: .seconds(1))

        // Counted: each message once where its path was connected, batch 2 never behind c.
        #expect(afterB.counts == Dictionary(uniqueKeysWithValues: (first + second + third).map { ($0, 1) }))
        #expect(afterC.counts == Dictionary(uniqueKeysWithValues: (first + third).map { ($0, 1) }))

        // Shutdown stops the processes it started: their queues lose their consumers.
        await afterB.stop()
        await afterC.stop()
        await runtime.stop()
        for queue in ["a.IN", "b.IN", "c.IN"] {
            #expect(await eventually { (try? await vhost.management.queue(queue).consumers) == 0 }, "\(queue) has no consumer left")
        }
        await transport.disconnect()
    }
}
