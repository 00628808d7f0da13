import Foundation
import MsgFlo
import MsgFloAMQP
import TestSupport
import Testing

/// `msgflo setup --participants` supervises what it started: a participant
/// that exits by itself is restarted with the local formation's backoff and
/// each restart is logged, while SIGTERM still stops everything for good.
@Suite(.tags(.amqpIntegration), .timeLimit(.minutes(2)), .logsOnFailure) struct SupervisionTests {
    static func pids(_ file: URL) -> [Int32] {
        ((try? String(contentsOf: file, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int32($0) }
    }

    static func alive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }

    @Test func setupRestartsAParticipantThatExitsAndSIGTERMStillStopsEverything() async throws {
        let suffix = UUID().uuidString.prefix(6).lowercased()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("supervision-\(suffix)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let crashyPIDs = directory.appendingPathComponent("crashy.pids")
        let library = directory.appendingPathComponent("components.json")
        let components = [
            "test/Crashy": "sh -c 'echo $$ >> \(crashyPIDs.path); echo up; sleep 0.1; exit 1'",
            "test/Steady": "msgflo participant Repeat --role #ROLE",
        ]
        try JSONSerialization.data(withJSONObject: ["components": components]).write(to: library)
        let (crashy, steady) = ("crashy\(suffix)", "steady\(suffix)")
        let graph = directory.appendingPathComponent("g.fbp")
        try "\(crashy)(test/Crashy) OUT -> IN \(steady)(test/Steady)\n".write(to: graph, atomically: true, encoding: .utf8)

        let log = directory.appendingPathComponent("setup.log")
        let setup = try BuiltExecutable.msgflo.start(["setup", "--participants", "--library", library.path, graph.path], log: log)
        defer { if setup.isRunning { kill(setup.processIdentifier, SIGKILL) } }
        func output() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        func lines(_ event: String) -> [Substring] {
            output().split(separator: "\n").filter { $0.contains(event) && $0.contains("role=\(crashy)") }
        }

        // Delays 0.5, 1, 2 s (RestartBackoff's defaults) for the first three restarts.
        try await waitUntil("three restarts of the participant that exits", timeout: .seconds(60)) {
            lines("participant restarted").count >= 3
        }
        let restarting = lines("participant restarting")
        #expect(restarting.count >= 3)
        #expect(restarting.first?.contains("ending=exited with status 1") == true, "\(restarting.first ?? "")")
        #expect(restarting.first?.contains("crashes=1") == true && restarting.dropFirst().first?.contains("crashes=2") == true)
        #expect(Set(Self.pids(crashyPIDs)).count >= 4, "started once, then once per restart")
        #expect(!output().contains("role=\(steady) [MsgFloGraph] participant restarting"), "the steady participant was never restarted")

        kill(setup.processIdentifier, SIGTERM)
        try await waitUntil("msgflo setup to exit") { !setup.isRunning }
        #expect(setup.terminationReason == .exit && setup.terminationStatus == 0, "\(output())")
        let started = Self.pids(crashyPIDs).count
        try await Task.sleep(for: .seconds(1.5))
        #expect(Self.pids(crashyPIDs).count == started, "no restart after SIGTERM")
        for pid in Self.pids(crashyPIDs) {
            #expect(!Self.alive(pid), "child \(pid) outlived msgflo setup")
        }
        let steadyStop = output().split(separator: "\n").first { $0.contains("participant stopped") && $0.contains("role=\(steady)") }
        #expect(steadyStop?.contains("ending=exited with status 0") == true, "\(steadyStop ?? "no stop line")")

        let transport = try await AMQPTestBroker.connectedTransport()
        try? await transport.deleteQueue("\(steady).IN")
        for exchange in ["\(crashy).OUT", "\(steady).IN", "\(steady).OUT"] { try? await transport.deleteExchange(exchange) }
        await transport.disconnect()
    }
}
