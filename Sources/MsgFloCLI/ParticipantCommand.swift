import ArgumentParser
import Foundation
import Logging
import MsgFlo
import Primitives
import MsgFloGraph

struct ParticipantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "participant",
        abstract: "Run a built-in participant (\(BuiltinComponents.names.joined(separator: ", "))) until SIGTERM.")

    @OptionGroup var broker: BrokerOptions
    @Argument(help: "Component name.") var component: String
    @Option(help: "Role (graph node name); queues are ROLE.IN, ROLE.OUT.") var role: String
    @Option(help: "Participant id (default ROLE-random).") var id: String?
    @Option(help: "Unacknowledged messages held at once (default $MSGFLO_PREFETCH or 2).") var prefetch: Int?
    @Option(help: "Seconds each message is held before it is handled (to demonstrate redelivery).") var delay: Double = 0
    @Option(help: "Initial packets as a JSON object {port: value} (from the graph's #IIPS).") var iips: String?

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
        var configuration = try ParticipantConfiguration(environment: ProcessInfo.processInfo.environment)
        if let prefetch { configuration.prefetch = prefetch }
        let transport = try Transports.make(url: try broker.url())
        let participant = Participant(definition: definition, transport: transport, configuration: configuration,
                                      logger: Logger(label: "msgflo.\(role)"), rawHandler: handler)
        say("\(role): \(definition.component) participant \(definition.id) on \(try broker.url())")
        do {
            try await participant.start()
            if let iips, let object = try? JSONValue(parsing: Data(iips.utf8)).objectValue {
                for (port, value) in object {
                    if let queue = definition.inport(port)?.queue {
                        try await transport.publish(queue: queue, body: value.encoded())
                    }
                }
            }
            _ = await ShutdownSignal.wait()
            await participant.stop()
        }
    }
}
