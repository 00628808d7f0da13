import Foundation
import Logging
import PlatformClients
import Primitives
import TestSupport
import Testing

@testable import Guv

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Local formation", .serialized, .timeLimit(.minutes(2)), .logsOnFailure)
struct LocalFormationTests {
    static let procfile = try! Procfile.parse(
        """
        # test processes
        web: sh -c 'echo "listening on $PORT as $DYNO"; exec sleep 1000'
        worker: sleep 1000
        crash: sh -c 'echo dying; exit 1'
        polite: sh -c 'trap "echo got TERM; exit 0" TERM; echo ready; while true; do sleep 0.1; done'
        stubborn: sh -c 'trap "echo ignoring TERM" TERM; echo ready; while true; do sleep 0.1; done'
        """)

    /// The formation's output goes to `log` for the test to read, and to a
    /// logger so that a failing test shows it.
    func make(grace: Double = 10, limit: Int? = nil, log: LineLog) -> LocalFormation {
        let logger = Logger(label: "guv.test.formation")
        return LocalFormation(
            procfile: Self.procfile, app: "local", portBase: 5700, graceSeconds: grace,
            backoff: RestartBackoff(initial: 0.05, maximum: 0.2, stableAfter: 5), limit: limit
        ) { line in
            log.append(line)
            logger.info("\(line)")
        }
    }

    static func alive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }

    @Test func scalesUpAndDownWithRealProcesses() async throws {
        let log = LineLog()
        let formation = make(log: log)
        defer { formation.beginStopAll() }
        try formation.scale("worker", to: 3)
        #expect(await eventually { formation.liveCount("worker") == 3 })
        let before = formation.pids("worker")
        #expect(before.values.allSatisfy(Self.alive))
        try formation.scale("worker", to: 1)
        #expect(formation.formation().first { $0.type == "worker" }?.quantity == 1)
        #expect(await eventually { formation.liveCount("worker") == 1 })
        // the highest-numbered processes were stopped, instance 1 kept running
        #expect(formation.pids("worker") == [1: before[1]!])
        #expect(await eventually { !Self.alive(before[3]!) && !Self.alive(before[2]!) })
    }

    @Test func webProcessesGetAPortAndOutputIsPrefixed() async throws {
        let log = LineLog()
        let formation = make(log: log)
        defer { formation.beginStopAll() }
        try formation.scale("web", to: 2)
        #expect(
            await eventually {
                log.lines.contains("web.2 | listening on 5701 as web.2") && log.lines.contains("web.1 | listening on 5700 as web.1")
            })
    }

    @Test func crashedProcessesRestartWithBackoff() async throws {
        let log = LineLog()
        let formation = make(log: log)
        defer { formation.beginStopAll() }
        try formation.scale("crash", to: 1)
        #expect(await eventually { formation.restarts("crash") >= 3 })
        #expect(log.lines.contains("crash.1 | dying"))
        #expect(log.lines.contains { $0.hasPrefix("crash.1 | restarting in 0.1s (crash 2)") })
        #expect(log.lines.contains { $0.hasPrefix("crash.1 | restarting in 0.2s (crash 3)") })
        try formation.scale("crash", to: 0)
        let restarts = formation.restarts("crash")
        try await Task.sleep(nanoseconds: 500_000_000)
        #expect(formation.restarts("crash") <= restarts + 1)
    }

    @Test func stopsGracefullyWithSIGTERM() async throws {
        let log = LineLog()
        let formation = make(grace: 30, log: log)
        try formation.scale("polite", to: 1)
        #expect(await eventually { formation.liveCount("polite") == 1 })
        // the shell has installed its trap once it says ready
        #expect(await eventually { log.lines.contains("polite.1 | ready") })
        await formation.stopAll()
        #expect(formation.liveCount("polite") == 0)
        #expect(log.lines.contains("polite.1 | got TERM"))
        #expect(log.lines.contains("polite.1 | exited with status 0"))
        #expect(!log.lines.contains { $0.contains("SIGKILL") })
    }

    @Test func killsWhatIgnoresSIGTERMAfterTheGracePeriod() async throws {
        let log = LineLog()
        let formation = make(grace: 0.5, log: log)
        try formation.scale("stubborn", to: 1)
        #expect(await eventually { log.lines.contains("stubborn.1 | ready") })
        await formation.stopAll()
        #expect(await eventually { formation.liveCount("stubborn") == 0 })
        #expect(log.lines.contains("stubborn.1 | did not stop within 0.5s, SIGKILL"))
        #expect(log.lines.contains("stubborn.1 | exited with status 137"))
    }

    @Test func quickDownAndUpStillKillsTheOldProcess() async throws {
        let log = LineLog()
        let formation = make(grace: 0.5, log: log)
        defer { formation.beginStopAll() }
        try formation.scale("stubborn", to: 1)
        #expect(await eventually { log.lines.contains("stubborn.1 | ready") })
        let old = try #require(formation.pids("stubborn")[1])
        try formation.scale("stubborn", to: 0)
        try formation.scale("stubborn", to: 1)
        #expect(await eventually { !Self.alive(old) })
        #expect(await eventually { formation.liveCount("stubborn") == 1 })
        let replacement = try #require(formation.pids("stubborn")[1])
        #expect(replacement != old && Self.alive(replacement))
    }

    @Test func unknownTypeAndLimitAreErrors() {
        let formation = make(limit: 2, log: LineLog())
        #expect(throws: LocalFormationError.self) { try formation.scale("nope", to: 1) }
        #expect(throws: LocalFormationError.self) { try formation.scale("worker", to: 3) }
    }

    /// guv's own Heroku client drives the local formation over a real socket.
    @Test func herokuClientDrivesTheLocalFormation() async throws {
        let formation = make(limit: 4, log: LineLog())
        defer { formation.beginStopAll() }
        let server = try TestHTTPServer(router: FormationRoutes(formation: formation, token: "secret").router)
        let base = server.url()
        let client = HerokuClient(baseURL: base, token: "secret", http: URLSessionHTTPClient())

        let initial = try await client.formation(app: "local")
        #expect(initial.map(\.type) == ["web", "worker", "crash", "polite", "stubborn"])
        #expect(initial.allSatisfy { $0.quantity == 0 })
        let updated = try await client.update(app: "local", updates: [FormationUpdate(type: "worker", quantity: 2)])
        #expect(updated == [FormationEntry(type: "worker", quantity: 2, command: "sleep 1000", size: "local")])
        #expect(await eventually { formation.liveCount("worker") == 2 })

        let aboveLimit = try await #require(throws: HerokuAPIError.self) {
            try await client.update(app: "local", updates: [FormationUpdate(type: "worker", quantity: 5)])
        }
        #expect(aboveLimit.status == 422 && aboveLimit.id == "cannot_run_above_limit")
        let missing = try await #require(throws: HerokuAPIError.self) {
            try await client.update(
                app: "local", updates: [FormationUpdate(type: "worker", quantity: 1), FormationUpdate(type: "ghost", quantity: 1)])
        }
        #expect(missing.status == 404)
        #expect(formation.formation().first { $0.type == "worker" }?.quantity == 2) // all or nothing
        let otherApp = try await #require(throws: HerokuAPIError.self) { try await client.formation(app: "other") }
        #expect(otherApp.status == 404)
        let wrongToken = HerokuClient(baseURL: base, token: "guess", http: URLSessionHTTPClient())
        let denied = try await #require(throws: HerokuAPIError.self) { try await wrongToken.formation(app: "local") }
        #expect(denied.status == 401 && denied.id == "unauthorized")
        server.stop()
    }

    static let procfiles: [(String, [String]?)] = [
        ("web: run web\nworker: run worker", ["web", "worker"]),
        ("# comment\n\nweb:   bin/web --port $PORT  \n", ["web"]),
        ("just a command", nil),
        ("web: a\nweb: b", nil),
        ("bad type: x", nil),
        ("web:", nil),
    ]

    @Test("Procfile parsing", arguments: procfiles)
    func procfileParsing(_ text: String, _ types: [String]?) {
        let parsed = try? Procfile.parse(text)
        #expect(parsed?.entries.map(\.type) == types)
    }

    static let backoff: [(Int, Double)] = [(1, 0.5), (2, 1), (3, 2), (6, 16), (7, 30), (100, 30)]

    @Test("restart backoff", arguments: backoff)
    func restartBackoff(_ crashes: Int, _ delay: Double) {
        #expect(RestartBackoff().delay(crashes: crashes) == delay)
    }

    @Test func backoffResetsAfterAStableRun() {
        let b = RestartBackoff()
        #expect(b.crashes(previous: 5, uptime: 1) == 6)
        #expect(b.crashes(previous: 5, uptime: 60) == 1)
    }
}
