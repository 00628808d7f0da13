import ArgumentParser
import Foundation
import MsgFlo
import MsgFloGraph
import Primitives

struct ParticipantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "participants",
        abstract: "Listen to discovery messages and print a table of the participants alive now.")

    @OptionGroup var broker: BrokerOptions
    @Option(help: "Seconds to listen; participants announce every MSGFLO_DISCOVERY_PERIOD/2.2 s (default period 60 s).")
    var wait: Double = 30
    @Flag(help: "Print JSON (one discovery payload per line) instead of a table.") var json = false

    func run() async throws {
        let transport = try await broker.connect()
        let listener = DiscoveryListener(transport: transport)
        try await listener.start()
        try? await Task.sleep(for: .seconds(wait))
        await listener.stop()
        let entries = listener.registry.participants.sorted { ($0.definition.role, $0.definition.id) < ($1.definition.role, $1.definition.id) }
        await transport.disconnect()
        if json {
            for entry in entries {
                print(String(decoding: DiscoveryMessage(participant: entry.definition).json["payload"]!.encoded(), as: UTF8.self))
            }
            return
        }
        print(ParticipantTable.render(entries.map(\.definition), lastSeen: entries.map(\.lastSeen)))
    }
}

/// A plain-text table of participants: role, id, component, ports and queues.
enum ParticipantTable {
    static func render(_ participants: [ParticipantDefinition], lastSeen: [Date], now: Date = Date()) -> String {
        var rows = [["ROLE", "ID", "COMPONENT", "INPORTS", "OUTPORTS", "SEEN"]]
        for (participant, seen) in zip(participants, lastSeen) {
            rows.append([
                participant.role, participant.id, participant.component,
                participant.inports.map { "\($0.id)=\($0.queue)" }.joined(separator: " "),
                participant.outports.map { "\($0.id)=\($0.queue)" }.joined(separator: " "),
                "\(Int(now.timeIntervalSince(seen)))s ago",
            ])
        }
        if participants.isEmpty { return "no participants announced themselves" }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
