import ArgumentParser
import Foundation
import Logging
import MsgFlo
import MsgFloGraph
import Primitives
import ServiceLifecycle

struct ParticipantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "participant",
        abstract: "Run a built-in participant (\(BuiltinComponents.names.joined(separator: ", "))) until SIGTERM.")

    @OptionGroup var broker: BrokerOptions
    @Argument(help: "Component name.") var component: String
    @Option(help: "Role (graph node name); queues are ROLE.IN, ROLE.OUT.") var role: String
    @Option(help: "Participant id (default ROLE-random).") var id: String?
    @Option(
        help: """
            This instance's name among the role's instances (default $MSGFLO_INSTANCE). \
            With one, an MQTT participant keeps a persistent session (client id ROLE-INSTANCE): \
            messages that arrive while it is down wait for it. Must be unique per running instance; \
            name only instances that come back.
            """)
    var instance: String?
    @Option(help: "Unacknowledged messages held at once (default $MSGFLO_PREFETCH or 2).") var prefetch: Int?
    @Option(help: "Seconds each message is held before it is handled (to demonstrate redelivery).") var delay: Double = 0
    @Option(help: "Initial packets as a JSON object {port: value} (from the graph's #IIPS).") var iips: String?

    func validate() throws {
        if let prefetch, prefetch < 1 { throw ValidationError("--prefetch must be at least 1") }
        guard delay >= 0, delay <= 86_400 else { throw ValidationError("--delay must be from 0 to 86400 seconds") }
    }

    func run() async throws {
        MsgFloCommand.bootstrapLogging()
        guard let (definition, builtin) = BuiltinComponents.make(component, role: role, id: id) else {
            throw UserError("unknown component \(component): built-in components are \(BuiltinComponents.names.joined(separator: ", "))")
        }
        let delay = self.delay
        let handler: Participant.RawHandler = { inport, message, output in
            if delay > 0 { try await Task.sleep(for: .seconds(delay)) }
            try await builtin(inport, message, output)
        }
        var environment = ProcessInfo.processInfo.environment
        if let instance { environment["MSGFLO_INSTANCE"] = instance }
        let transport = try broker.transport(
            prefetch: prefetch, sessionName: TransportOptions.sessionName(role: role, environment: environment))
        let logger = Logger(label: "msgflo.\(role)")
        let participant = Participant(
            definition: definition, transport: transport,
            configuration: try ParticipantConfiguration(environment: ProcessInfo.processInfo.environment),
            logger: logger, rawHandler: handler)
        var packets: [(queue: String, body: Data)] = []
        if let iips, let object = try? JSONValue(parsing: Data(iips.utf8)).objectValue {
            for (port, value) in object {
                if let queue = definition.inport(port)?.queue { packets.append((queue, value.encoded())) }
            }
        }
        let announcement = "\(role): \(definition.component) participant \(definition.id) on \(try broker.url())"
        try await ProcessLifecycle.run(
            [AnnouncedParticipant(participant: participant, announcement: announcement, packets: packets)],
            logger: logger)
    }
}

/// A participant that says so on standard output first. The line is written
/// from inside the service group, once SIGTERM is handled: a launcher that
/// stops this process as soon as it read the line still gets a graceful stop.
struct AnnouncedParticipant: Service {
    let participant: Participant
    let announcement: String
    /// Initial packets, sent to the participant's own inports once it consumes.
    let packets: [(queue: String, body: Data)]

    func run() async throws {
        say(announcement)
        let participant = participant
        let packets = packets
        try await participant.run {
            for packet in packets { try await participant.transport.publish(queue: packet.queue, body: packet.body) }
        }
    }
}
