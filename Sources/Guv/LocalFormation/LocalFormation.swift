import Foundation
import PlatformClients
import Primitives
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A Heroku-like formation on this machine: every Procfile type runs as N
/// processes, crashed processes restart with backoff, scaling down stops the
/// highest-numbered processes with SIGTERM and SIGKILL after the grace period.
///
/// Thread-safe: called from the formation API's handlers and from the
/// reaper threads of its processes; all that changes is in one `Mutex`.
public final class LocalFormation: Sendable {
    public let procfile: Procfile
    public let app: String
    public let graceSeconds: Double
    public let backoff: RestartBackoff
    /// Highest quantity per type; above it PATCH answers 422 like a Heroku plan.
    public let limit: Int?
    private let environment: [String: String]
    private let portBase: Int
    let output: @Sendable (String) -> Void
    private let state: Mutex<State>

    private struct State {
        var desired: [String: Int] = [:]
        var slots: [String: [Int: Slot]] = [:]
        var restartCounts: [String: Int] = [:]
        /// Processes sent SIGTERM and not yet exited, by type (a slot may already hold
        /// their replacement after a quick scale down and up).
        var stopping: [String: [ChildProcess]] = [:]
        /// Increases with every start: tells a slot's current process from an
        /// earlier one, whose exit or pending restart is then ignored.
        var generation = 0
    }

    /// One instance of a type (`worker.2`): its process and its crash history.
    private struct Slot {
        var process: ChildProcess?
        var crashes = 0
        var startedAt = Date()
        var generation = 0
    }

    public init(
        procfile: Procfile, app: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        portBase: Int = 5000, graceSeconds: Double = 10, backoff: RestartBackoff = RestartBackoff(),
        limit: Int? = nil, output: @escaping @Sendable (String) -> Void = { print($0) }
    ) {
        self.procfile = procfile
        self.app = app
        self.environment = environment
        self.portBase = portBase
        self.graceSeconds = graceSeconds
        self.backoff = backoff
        self.limit = limit
        self.output = output
        var initial = State()
        for entry in procfile.entries { initial.desired[entry.type] = 0 }
        state = Mutex(initial)
    }

    /// The formation as the Heroku API reports it (desired quantities).
    public func formation() -> [FormationEntry] {
        let desired = state.withLock { $0.desired }
        return procfile.entries.map { FormationEntry(type: $0.type, quantity: desired[$0.type] ?? 0, command: $0.command, size: "local") }
    }

    /// PIDs of the live processes of a type, by instance number.
    public func pids(_ type: String) -> [Int: Int32] {
        state.withLock { state in
            var result: [Int: Int32] = [:]
            for (index, slot) in state.slots[type] ?? [:] {
                if let p = slot.process, p.isRunning { result[index] = p.pid }
            }
            return result
        }
    }

    /// Live processes of a type, including ones still stopping.
    public func liveCount(_ type: String) -> Int {
        let stoppingCount = state.withLock { ($0.stopping[type] ?? []).filter(\.isRunning).count }
        return pids(type).count + stoppingCount
    }

    /// How many times processes of a type were restarted after exiting on their own.
    public func restarts(_ type: String) -> Int { state.withLock { $0.restartCounts[type] ?? 0 } }

    /// Set the quantity of a type: starts missing instances, stops the highest-numbered
    /// extra ones gracefully. Throws for unknown types and quantities above `limit`.
    public func scale(_ type: String, to quantity: Int) throws(LocalFormationError) {
        guard procfile.command(for: type) != nil else {
            throw LocalFormationError("no process type '\(type)' in the Procfile")
        }
        guard quantity >= 0 else { throw LocalFormationError("quantity must be >= 0") }
        if let limit, quantity > limit {
            throw LocalFormationError("Cannot run more than \(limit) \(type) processes.")
        }
        state.withLock { state in
            state.desired[type] = quantity
            var typeSlots = state.slots[type] ?? [:]
            var started: [Int] = []
            for index in stride(from: 1, through: quantity, by: 1) where typeSlots[index] == nil {
                typeSlots[index] = Slot()
                started.append(index)
            }
            let toStop = typeSlots.filter { $0.key > quantity }.sorted { $0.key > $1.key }
            for (index, _) in toStop { typeSlots[index] = nil }
            state.slots[type] = typeSlots
            for index in started { start(&state, type: type, index: index) }
            // Out of `slots`, so their exits and pending restarts are ignored.
            for (index, slot) in toStop { stop(&state, type: type, index: index, slot: slot) }
        }
    }

    /// Scales everything to zero: SIGTERM now, SIGKILL after the grace, without waiting.
    public func beginStopAll() {
        for entry in procfile.entries { try? scale(entry.type, to: 0) }
    }

    /// Scales everything to zero and waits (up to grace + 2 s) for the processes to exit.
    public func stopAll() async {
        beginStopAll()
        let deadline = ContinuousClock.now + .milliseconds(Int64((min(graceSeconds, 86_400) + 2) * 1000))
        while ContinuousClock.now < deadline && procfile.entries.contains(where: { liveCount($0.type) > 0 }) {
            do { try await Task.sleep(for: .milliseconds(50)) } catch { return } // cancelled: signals are sent
        }
    }

    /// Starts the process of slot `type.index` (which must exist), with the formation locked.
    private func start(_ state: inout State, type: String, index: Int) {
        guard let command = procfile.command(for: type), var slot = state.slots[type]?[index] else { return }
        var env = environment
        env["DYNO"] = "\(type).\(index)"
        if type == "web" { env["PORT"] = "\(portBase + index - 1)" }
        let prefix = "\(type).\(index) | "
        let output = self.output
        state.generation += 1
        let generation = state.generation
        slot.generation = generation
        slot.startedAt = Date()
        do {
            let child = try ChildProcess(
                command: "exec " + command, environment: env,
                onLine: { output(prefix + $0) }
            ) { [weak self] status in
                self?.exited(type: type, index: index, generation: generation, status: status)
            }
            slot.process = child
            state.slots[type]?[index] = slot
            output("\(prefix)started pid \(child.pid): \(command)")
        } catch {
            state.slots[type]?[index] = slot
            output("\(prefix)failed to start: \(error)")
            scheduleRestart(&state, type: type, index: index, uptime: 0)
        }
    }

    /// SIGTERM to a slot taken out of the formation, SIGKILL after the grace period.
    private func stop(_ state: inout State, type: String, index: Int, slot: Slot) {
        // A slot waiting for its restart has nothing to stop; its restart is dropped.
        guard let process = slot.process, process.isRunning else { return }
        output("\(type).\(index) | stopping (SIGTERM)")
        state.stopping[type, default: []].append(process)
        process.signal(SIGTERM)
        let grace = graceSeconds
        let output = self.output
        DispatchQueue.global().asyncAfter(deadline: .now() + grace) {
            if process.isRunning {
                output("\(type).\(index) | did not stop within \(grace)s, SIGKILL")
                process.signal(SIGKILL)
            }
        }
    }

    private func exited(type: String, index: Int, generation: Int, status: Int32) {
        state.withLock { state in
            output("\(type).\(index) | exited with status \(status)")
            state.stopping[type]?.removeAll { !$0.isRunning }
            guard let slot = state.slots[type]?[index], slot.generation == generation else { return }
            let uptime = Date().timeIntervalSince(slot.startedAt)
            scheduleRestart(&state, type: type, index: index, uptime: uptime)
        }
    }

    /// Restarts slot `type.index` after the backoff's delay, unless it was
    /// stopped or started again meanwhile.
    private func scheduleRestart(_ state: inout State, type: String, index: Int, uptime: Double) {
        guard var slot = state.slots[type]?[index] else { return }
        slot.crashes = backoff.crashes(previous: slot.crashes, uptime: uptime)
        state.slots[type]?[index] = slot
        let delay = backoff.delay(crashes: slot.crashes)
        output("\(type).\(index) | restarting in \(String(format: "%.1f", delay))s (crash \(slot.crashes))")
        let generation = slot.generation
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [weak self] in
            guard let self else { return }
            self.state.withLock { state in
                guard state.slots[type]?[index]?.generation == generation else { return }
                state.restartCounts[type, default: 0] += 1
                self.start(&state, type: type, index: index)
            }
        }
    }
}
