import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A Heroku-like formation on this machine: every Procfile type runs as N
/// processes, crashed processes restart with backoff, scaling down stops the
/// highest-numbered processes with SIGTERM and SIGKILL after the grace period.
///
/// Thread-safe; called from the formation HTTP listener's thread and from
/// process termination handlers.
public final class LocalFormation: @unchecked Sendable {
    public let procfile: Procfile
    public let app: String
    public let graceSeconds: Double
    public let backoff: RestartBackoff
    /// Highest quantity per type; above it PATCH answers 422 like a Heroku plan.
    public let limit: Int?
    private let environment: [String: String]
    private let portBase: Int
    let output: @Sendable (String) -> Void
    private let lock = NSLock()
    private var desired: [String: Int] = [:]
    private var slots: [String: [Int: Slot]] = [:]
    private var restartCounts: [String: Int] = [:]
    /// Processes sent SIGTERM and not yet exited, by type (a slot may already hold
    /// their replacement after a quick scale down and up).
    private var stopping: [String: [ChildProcess]] = [:]
    private var generation = 0

    /// Mutated only under the formation lock.
    final class Slot: @unchecked Sendable {
        var process: ChildProcess?
        var wanted = true
        var crashes = 0
        var startedAt = Date()
        var generation = 0
    }

    public init(procfile: Procfile, app: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                portBase: Int = 5000, graceSeconds: Double = 10, backoff: RestartBackoff = RestartBackoff(),
                limit: Int? = nil, output: @escaping @Sendable (String) -> Void = { print($0) }) {
        self.procfile = procfile
        self.app = app
        self.environment = environment
        self.portBase = portBase
        self.graceSeconds = graceSeconds
        self.backoff = backoff
        self.limit = limit
        self.output = output
        for entry in procfile.entries { desired[entry.type] = 0 }
    }

    /// The formation as the Heroku API reports it (desired quantities).
    public func formation() -> [FormationEntry] {
        lock.withLock {
            procfile.entries.map { FormationEntry(type: $0.type, quantity: desired[$0.type] ?? 0, command: $0.command, size: "local") }
        }
    }

    /// PIDs of the live processes of a type, by instance number.
    public func pids(_ type: String) -> [Int: Int32] {
        lock.withLock {
            var result: [Int: Int32] = [:]
            for (index, slot) in slots[type] ?? [:] {
                if let p = slot.process, p.isRunning { result[index] = p.pid }
            }
            return result
        }
    }

    /// Live processes of a type, including ones still stopping.
    public func liveCount(_ type: String) -> Int {
        let stoppingCount = lock.withLock { (stopping[type] ?? []).filter(\.isRunning).count }
        return pids(type).count + stoppingCount
    }

    /// How many times processes of a type were restarted after exiting on their own.
    public func restarts(_ type: String) -> Int { lock.withLock { restartCounts[type] ?? 0 } }

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
        lock.lock()
        defer { lock.unlock() }
        desired[type] = quantity
        var typeSlots = slots[type] ?? [:]
        var started: [(Int, Slot)] = []
        for index in stride(from: 1, through: quantity, by: 1) where typeSlots[index] == nil {
            let slot = Slot()
            typeSlots[index] = slot
            started.append((index, slot))
        }
        let toStop = typeSlots.filter { $0.key > quantity }.sorted { $0.key > $1.key }
        for (index, _) in toStop { typeSlots[index] = nil }
        slots[type] = typeSlots
        for (index, slot) in started { startLocked(type: type, index: index, slot: slot) }
        for (index, slot) in toStop {
            slot.wanted = false
            stopLocked(type: type, index: index, slot: slot)
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
            do { try await Task.sleep(for: .milliseconds(50)) } catch { return }  // cancelled: signals are sent
        }
    }

    private func startLocked(type: String, index: Int, slot: Slot) {
        guard let command = procfile.command(for: type) else { return }
        var env = environment
        env["DYNO"] = "\(type).\(index)"
        if type == "web" { env["PORT"] = "\(portBase + index - 1)" }
        let prefix = "\(type).\(index) | "
        let output = self.output
        generation += 1
        let myGeneration = generation
        slot.generation = myGeneration
        slot.startedAt = Date()
        do {
            let child = try ChildProcess(command: "exec " + command, environment: env,
                                         onLine: { output(prefix + $0) }) { [weak self] status in
                self?.exited(type: type, index: index, generation: myGeneration, status: status)
            }
            slot.process = child
            output("\(prefix)started pid \(child.pid): \(command)")
        } catch {
            output("\(prefix)failed to start: \(error)")
            scheduleRestartLocked(type: type, index: index, slot: slot, uptime: 0)
        }
    }

    private func stopLocked(type: String, index: Int, slot: Slot) {
        // A slot waiting for its restart has nothing to stop; its restart is dropped.
        guard let process = slot.process, process.isRunning else { return }
        output("\(type).\(index) | stopping (SIGTERM)")
        stopping[type, default: []].append(process)
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
        lock.lock()
        defer { lock.unlock() }
        output("\(type).\(index) | exited with status \(status)")
        stopping[type]?.removeAll { !$0.isRunning }
        guard let slot = slots[type]?[index], slot.generation == generation, slot.wanted else { return }
        let uptime = Date().timeIntervalSince(slot.startedAt)
        scheduleRestartLocked(type: type, index: index, slot: slot, uptime: uptime)
    }

    private func scheduleRestartLocked(type: String, index: Int, slot: Slot, uptime: Double) {
        slot.crashes = backoff.crashes(previous: slot.crashes, uptime: uptime)
        let delay = backoff.delay(crashes: slot.crashes)
        output("\(type).\(index) | restarting in \(String(format: "%.1f", delay))s (crash \(slot.crashes))")
        let gen = slot.generation
        DispatchQueue.global().asyncAfter(deadline: .now() + delay) { [weak self] in
            guard let self else { return }
            self.lock.withLock {
                guard let s = self.slots[type]?[index], s === slot, s.wanted, s.generation == gen else { return }
                self.restartCounts[type, default: 0] += 1
                self.startLocked(type: type, index: index, slot: s)
            }
        }
    }
}

