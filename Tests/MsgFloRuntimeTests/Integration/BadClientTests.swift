import Foundation
import MsgFlo
import MsgFloRuntime
import TestSupport
import Testing

/// What a broken or hostile client sends cannot take the runtime down: each
/// bad frame is answered, an oversized one closes only that connection, and
/// a client that never reads is dropped once it owes too much.
@Suite(.logsOnFailure, .tags(.amqpIntegration), .timeLimit(.minutes(3)))
struct BadClientTests {
    static let graph = """
        # @runtime msgflo
        # @name bad
        a(Repeat) OUT -> IN b(Repeat)
        """

    /// The runtime still answers a fresh client.
    static func stillUp(_ runtime: RuntimeFixture, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let probe = try await runtime.client()
        let answer = try await probe.request("runtime", "getruntime", [:])
        #expect(answer.commands.first == "runtime:runtime", "the runtime still answers", sourceLocation: sourceLocation)
    }

    @Test func badFramesAreAnsweredHugeOnesCloseOnlyTheirConnection() async throws {
        try await TestVhost.with { vhost in try await badFrames(vhost) }
    }

    func badFrames(_ vhost: TestVhost) async throws {
        let runtime = try await RuntimeFixture.start(vhost: vhost, fbp: Self.graph)
        let client = try await runtime.client()
        let cases: [(frame: String, answer: String)] = [
            ("{", "runtime:error"),
            ("[1,2,3]", "runtime:error"),
            (String(repeating: "[", count: 100_000), "runtime:error"),
            (#"{"protocol":"teleport","command":"go","payload":{}}"#, "runtime:error"),
            (#"{"protocol":"graph","command":"teleport","payload":{"graph":"bad"}}"#, "graph:error"),
            (#"{"protocol":"graph","command":"addnode","payload":"not an object"}"#, "graph:error"),
            (#"{"protocol":"network","command":"edges","payload":{"graph":"bad","edges":7}}"#, "network:error"),
        ]
        for (frame, answer) in cases {
            try await client.socket.sendText(frame)
            let reply = try #require(try await client.nextReply())
            #expect("\(reply.protocol):\(reply.command)" == answer, "\(frame.prefix(60)): \(reply.errorText)")
            #expect(!reply.errorText.isEmpty)
        }
        try await client.socket.sendFrame(opcode: 2, payload: [0xFF, 0x00, 0x7B])
        #expect(try await client.nextReply()?.command == "error", "a binary frame is answered like any bad frame")

        // Over the HTTP module's message limit (1 MiB): that connection is closed with 1009 ...
        let huge = try await runtime.client()
        // (The server may close before it has read it all: a failed write is part of the outcome.)
        try? await huge.socket.sendFrame(opcode: 1, payload: Array(repeating: UInt8(ascii: " "), count: 2 * 1024 * 1024))
        var ending = try await huge.socket.receive()
        while case .text = ending { ending = try await huge.socket.receive() } // news sent before the frame was read
        #expect(ending == .close(1009))
        // ... and everyone else carries on.
        _ = try await client.request("network", "getstatus", ["graph": "bad"])
        try await Self.stillUp(runtime)
        await runtime.stop()
    }

    @Test func aClientThatNeverReadsIsDroppedAndTheRuntimeStaysUp() async throws {
        try await TestVhost.with { vhost in try await neverReads(vhost) }
    }

    func neverReads(_ vhost: TestVhost) async throws {
        let runtime = try await RuntimeFixture.start(vhost: vhost, fbp: Self.graph) { http in
            http.maxWebSocketSendBacklogBytes = 64 * 1024
        }
        let reader = try await runtime.client()
        let sluggard = try await runtime.client()
        #expect(await eventually { runtime.host.clientCount == 2 })
        // Each getsource answer is about 1 KB; the sluggard asks for thousands and reads none.
        let request = FBPMessage(protocol: "component", command: "getsource", payload: ["name": "bad"]).text
        var sent = 0
        do {
            for _ in 0..<20_000 {
                try await sluggard.socket.sendText(request)
                sent += 1
                if runtime.host.clientCount < 2 { break }
            }
        } catch {
            // The server closed it and our writes fail: expected.
        }
        #expect(await eventually { runtime.host.clientCount == 1 }, "the sluggard was dropped after \(sent) requests")
        // The reader never noticed.
        let answer = try await reader.request("component", "getsource", ["name": "bad"])
        #expect(answer.commands.contains("component:source"))
        try await Self.stillUp(runtime)
        await runtime.stop()
    }
}
