import ArgumentParser
import Foundation
import MsgFlo
import MsgFloGraph

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Publish one message straight to a queue (persistent, confirmed).")

    @OptionGroup var broker: BrokerOptions
    @Option(help: "Queue to send to, e.g. resize.IN.") var queue: String
    @Option(help: "Message body as JSON text; '-' reads it from standard input.") var json: String

    func run() async throws {
        let text = json == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : json
        do {
            _ = try JSONValue(parsing: Data(text.utf8))
        } catch {
            throw UserError("--json is not valid JSON: \(error)")
        }
        let transport = try await broker.connect()
        try await transport.publish(queue: queue, body: Data(text.utf8))
        await transport.disconnect()
    }
}

struct DumpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump", abstract: "Consume, acknowledge and print N messages of a queue as JSON lines.")

    @OptionGroup var broker: BrokerOptions
    @Option(help: "Queue to read from.") var queue: String
    @Option(help: "How many messages to take.") var amount = 1

    func validate() throws {
        guard amount > 0 else { throw ValidationError("--amount must be at least 1") }
    }

    func run() async throws {
        let transport = try await broker.connect()
        let messages = try await transport.receive(from: queue, amount: amount)
        for message in messages {
            print(String(decoding: message.json.encoded(), as: UTF8.self))
        }
        await transport.disconnect()
    }
}
