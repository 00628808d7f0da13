import Foundation
import Logging
import MsgFlo
import MsgFloAMQP
import MsgFloRuntime
import PlatformClients
import Primitives
import TestSupport
import Testing

/// Discovery as msgflo-nodejs does it: participants declare the plain durable
/// `fbp` queue before announcing, announcements carry their send time, and
/// `msgflo setup` bounds the queue with a broker policy.
@Suite(.logsOnFailure, .tags(.amqpIntegration), .timeLimit(.minutes(3)))
struct DiscoveryQueueTests {
    static func quietLogger() -> Logger {
        var logger = Logger(label: "test.discovery")
        logger.logLevel = .critical
        return logger
    }

    @Test func onAFreshBrokerTheFirstAnnouncementWaitsInFbp() async throws {
        try await TestVhost.with { vhost in
            #expect(try await vhost.queueNames().isEmpty, "a fresh virtual host has no fbp queue")
            let definition = ParticipantDefinition.conventional(role: "early", component: "Repeat", inports: ["in"], outports: ["out"])
            let participant = Participant(
                definition: definition, transport: try AMQPTransport(url: vhost.brokerURL, logger: Self.quietLogger()),
                logger: Self.quietLogger(), rawHandler: { _, _, _ in })
            try await participant.start()
            let fbp = try await vhost.management.send("GET", ["queues", vhost.name, "fbp"])
            let queue = try JSONValue(parsing: fbp.body)
            #expect(queue["durable"] == true && queue["auto_delete"] == false && queue["arguments"] == [:], "plain and durable: \(queue)")

            // A coordinator that comes later still learns of it, with the time it was sent.
            try await Task.sleep(for: .seconds(2))
            let transport = try await vhost.transport()
            let listener = DiscoveryListener(transport: transport, logger: Self.quietLogger())
            try await listener.start()
            #expect(await eventually { listener.registry.roles == ["early"] })
            let seen = try #require(listener.registry.participants.first)
            #expect(Date().timeIntervalSince(seen.lastSeen) >= 1.5, "stamped when sent (AMQP timestamp), not when read: \(seen.lastSeen)")
            await listener.stop()
            await participant.stop()
            await transport.disconnect()
        }
    }

    @Test func announcementsOlderThanTheExpiryAreIgnored() async throws {
        try await TestVhost.with { vhost in
            let transport = try await vhost.transport()
            try await transport.declareQueue("fbp", options: PortOptions())
            let announcement = DiscoveryMessage(participant: .conventional(role: "ghost", component: "Repeat", inports: ["in"], outports: []))
            try await transport.publish(queue: "fbp", body: announcement.encoded())
            try await Task.sleep(for: .seconds(2.2))
            let rejected = LockedState<[DiscoveryMessageError]>([])
            let listener = DiscoveryListener(
                transport: transport, expiry: 1, logger: Self.quietLogger(),
                onEvent: { result in
                    if case .rejected(let reason) = result { rejected.withLock { $0.append(reason) } }
                })
            try await listener.start()
            #expect(await eventually { !rejected.withLock { $0 }.isEmpty })
            #expect(listener.registry.count == 0, "a backlog leftover does not make a dead participant look alive")
            guard case .stale(let age)? = rejected.withLock({ $0.first }) else {
                Issue.record("expected a stale rejection, got \(rejected.withLock { $0 })")
                return
            }
            #expect(age >= 2)
            await listener.stop()
            await transport.disconnect()
        }
    }

    @Test func msgfloSetupBoundsTheFbpQueueWithAPolicy() async throws {
        try await TestVhost.with { vhost in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("setup-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let graph = directory.appendingPathComponent("g.fbp")
            try "a(Repeat) OUT -> IN b(Repeat)\n".write(to: graph, atomically: true, encoding: .utf8)
            let log = directory.appendingPathComponent("setup.log")
            let process = try BuiltExecutable.msgflo.start(
                [
                    "setup", graph.path, "--broker", vhost.brokerText,
                    "--management-url", AMQPTestBroker.managementURL.absoluteString,
                ], log: log)
            process.waitUntilExit()
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 0, "\(output)")
            #expect(output.contains("policy \(DiscoveryQueuePolicy.name)"), "\(output)")
            let policy = try #require(try await vhost.management.policy(named: DiscoveryQueuePolicy.name))
            #expect(policy.pattern == "^fbp$")
            #expect(policy.applyTo == .queues)
            #expect(policy.definition["max-length"] == 1000)
            #expect(policy.definition["overflow"] == "drop-head")

            // The broker applies it to the plain queue every library declares.
            let transport = try await vhost.transport()
            try await transport.declareQueue("fbp", options: PortOptions())
            #expect(
                await eventually {
                    let response = try? await vhost.management.send("GET", ["queues", vhost.name, "fbp"])
                    return response.flatMap { try? JSONValue(parsing: $0.body) }?["policy"] == .string(DiscoveryQueuePolicy.name)
                })
            await transport.disconnect()
        }
    }

    @Test func inProcessTheQueueIsDeclaredBeforeTheFirstAnnouncement() async throws {
        let broker = InProcessBroker()
        let definition = ParticipantDefinition.conventional(role: "solo", component: "Repeat", inports: ["in"], outports: ["out"])
        let participant = Participant(
            definition: definition, transport: InProcessTransport(broker: broker), logger: Self.quietLogger(), rawHandler: { _, _, _ in })
        #expect(!broker.queueExists("fbp"))
        try await participant.start()
        #expect(broker.readyCount(queue: "fbp") == 1, "the first announcement waits in fbp")
        await participant.stop()
    }
}
