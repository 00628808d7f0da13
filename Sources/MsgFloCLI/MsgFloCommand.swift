import ArgumentParser
import Foundation
import Logging
import MsgFlo
import MsgFloAMQP
import MsgFloGraph
import MsgFloMQTT

@main
struct MsgFloCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "msgflo",
        abstract: "Flow-based programming on message queues: apply graphs, start participants, send and dump messages, run the FBP runtime.",
        subcommands: [
            SetupCommand.self, ProcfileCommand.self, SendCommand.self, DumpCommand.self,
            ParticipantsCommand.self, GraphCommand.self, ParticipantCommand.self, RuntimeCommand.self,
        ])

    static func bootstrapLogging() {
        let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// `--broker`, with the reference's fallbacks (MSGFLO_BROKER, CLOUDAMQP_URL, amqp://localhost).
struct BrokerOptions: ParsableArguments {
    @Option(help: "Broker URL (amqp://, amqps://, mqtt://, mqtts://, direct://NAME). Default: $MSGFLO_BROKER, $CLOUDAMQP_URL, amqp://localhost.")
    var broker: String?

    /// The URL text as given (with its password), for child processes' MSGFLO_BROKER.
    func rawURL() -> String {
        let environment = ProcessInfo.processInfo.environment
        return [broker, environment["MSGFLO_BROKER"], environment["CLOUDAMQP_URL"]]
            .compactMap { $0 }.first { !$0.isEmpty } ?? "amqp://localhost"
    }

    func url() throws -> BrokerURL {
        AMQPTransport.register()
        MQTTTransport.register()
        return try BrokerURL.resolve(flag: broker, environment: ProcessInfo.processInfo.environment)
    }

    /// The transport from the one factory, with the environment's options (`MSGFLO_PREFETCH`).
    func transport(prefetch: Int? = nil, sessionName: String? = nil) throws -> any BrokerTransport {
        var options = try TransportOptions(environment: ProcessInfo.processInfo.environment)
        if let prefetch { options.prefetch = prefetch }
        options.sessionName = sessionName
        return try Transports.make(url: try url(), options: options)
    }

    func connect() async throws -> any BrokerTransport {
        let transport = try transport()
        try await transport.connect()
        return transport
    }
}

/// Writes a line to standard output at once (print may buffer when piped, and a launcher waits for our first line).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// A failure the user fixes; printed as one line, exit status 1.
struct UserError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
