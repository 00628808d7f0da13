import Foundation
import Logging
import MsgFlo
import Primitives
import Synchronization

/// Starts the participants of a graph as child processes (`msgflo setup
/// --participants`), the way the reference does: a process counts as up on
/// its first line of output, and gets `MSGFLO_BROKER` in its environment.
/// With a `RestartBackoff` it also supervises them: a child that exits by
/// itself is started again after the backoff's delay (the same rule as guv's
/// local formation), so one crash does not leave a role without a worker.
public final class ParticipantLauncher: Sendable {
    public struct Child: Sendable {
        public var role: String
        public var command: String
        public init(role: String, command: String) {
            self.role = role
            self.command = command
        }
    }

    public struct LaunchError: Error, CustomStringConvertible {
        public var role: String
        public var command: String
        public var reason: String
        public var description: String { "participant \(role) (\(command)) \(reason)" }
    }

    /// The children started so far, whether `stopAll()` began, and the children
    /// being stopped one by one (`stop(role:)`), whose end is expected (the
    /// termination handler takes their mark off).
    private struct State {
        var processes: [(role: String, process: Process)] = []
        var stopping = false
        var stoppingPIDs: Set<Int32> = []
        /// Consecutive crashes per role, for the restart delay.
        var crashes: [String: Int] = [:]
        /// Restarts waiting out their delay, by role (cancelled by a stop).
        var pendingRestarts: [String: Task<Void, Never>] = [:]
        var restarts = 0
    }

    private let state = Mutex(State())
    private let logger: Logger
    private let environment: [String: String]
    private let onUnexpectedExit: (@Sendable (_ role: String, _ status: Int32) -> Void)?
    private let restart: RestartBackoff?
    /// Where the children's output goes, each line prefixed with its role.
    private let output: FileHandle

    /// - Parameter output: where the children's output goes (standard output).
    /// - Parameter onUnexpectedExit: called when a child ends by itself (not
    ///   through `stop(role:)` or `stopAll`), with its role and exit status
    ///   (the signal number when a signal killed it); the runtime reports it.
    /// - Parameter restart: restart a child that ended by itself, after this
    ///   backoff's delay; nil leaves that to the caller (the runtime, which
    ///   reports the exit to its clients).
    public init(
        brokerURL: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "msgflo.launcher"),
        output: FileHandle = .standardOutput,
        restart: RestartBackoff? = nil,
        onUnexpectedExit: (@Sendable (_ role: String, _ status: Int32) -> Void)? = nil
    ) {
        self.restart = restart
        var environment = environment
        environment["MSGFLO_BROKER"] = brokerURL
        self.environment = environment
        self.logger = logger
        self.onUnexpectedExit = onUnexpectedExit
        self.output = output
    }

    /// Starts one child and waits (up to `timeout`) for its first line of output.
    public func start(_ child: Child, timeout: Duration = .seconds(60)) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "exec \(child.command)"]
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let firstLine = FirstLineSignal()
        let prefix = "\(child.role) | "
        let output = self.output
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            guard !data.isEmpty else {
                handle.readabilityHandler = nil
                firstLine.fire()
                return
            }
            firstLine.fire()
            let text = String(decoding: data, as: UTF8.self)
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            var out = ""
            for (index, line) in lines.enumerated() where !(index == lines.count - 1 && line.isEmpty) {
                out += prefix + line + "\n"
            }
            output.write(Data(out.utf8))
        }
        let logger = self.logger
        let startedAt = ContinuousClock.now
        process.terminationHandler = { [weak self] process in
            guard let self else { return }
            // Children stopped by stop(role:) or stopAll() are reported there, with how they ended.
            let expected = self.state.withLock { state -> Bool in
                let expected = state.stopping || state.stoppingPIDs.remove(process.processIdentifier) != nil
                if !expected { state.processes.removeAll { $0.process === process } }
                return expected
            }
            guard !expected else { return }
            let ending =
                process.terminationReason == .uncaughtSignal
                ? "killed by signal \(process.terminationStatus)" : "exited with status \(process.terminationStatus)"
            logger.warning("participant exited unexpectedly", metadata: ["role": "\(child.role)", "ending": "\(ending)"])
            self.onUnexpectedExit?(child.role, process.terminationStatus)
            self.scheduleRestart(child, uptime: (ContinuousClock.now - startedAt).seconds, ending: ending)
        }
        do {
            try process.run()
        } catch {
            throw LaunchError(role: child.role, command: child.command, reason: "could not start: \(error)")
        }
        let stoppedMeanwhile = state.withLock { state -> Bool in
            // stopAll() began while this one started (a restart): it must not outlive the launcher.
            if state.stopping { return true }
            state.processes.append((child.role, process))
            return false
        }
        if stoppedMeanwhile {
            process.terminate()
            throw LaunchError(role: child.role, command: child.command, reason: "was stopped while it started")
        }
        logger.info("participant starting", metadata: ["role": "\(child.role)", "pid": "\(process.processIdentifier)"])
        let started = await firstLine.wait(timeout: timeout)
        if !process.isRunning {
            throw LaunchError(role: child.role, command: child.command, reason: "exited with status \(process.terminationStatus) at start")
        }
        if !started {
            throw LaunchError(role: child.role, command: child.command, reason: "printed nothing within \(timeout)")
        }
    }

    /// Stops the children of one role (SIGTERM, SIGKILL after `grace`) and
    /// forgets them; returns how each ended. The others keep running.
    @discardableResult
    public func stop(role: String, grace: Duration = .seconds(10)) async -> [Stopped] {
        let children = state.withLock { state -> [(role: String, process: Process)] in
            state.pendingRestarts.removeValue(forKey: role)?.cancel()
            let matching = state.processes.filter { $0.role == role }
            state.processes.removeAll { $0.role == role }
            for child in matching { state.stoppingPIDs.insert(child.process.processIdentifier) }
            return matching
        }
        // Each mark is taken off by the child's termination handler.
        return await terminate(children, grace: grace)
    }

    /// Children restarted after they ended by themselves, so far.
    public var restartCount: Int { state.withLock { $0.restarts } }

    /// Starts a child that ended by itself again after the backoff's delay
    /// (nothing without a `restart` policy, or once stopping began).
    private func scheduleRestart(_ child: Child, uptime: Double, ending: String) {
        guard let policy = restart else { return }
        let crashes = state.withLock { state -> Int? in
            guard !state.stopping else { return nil }
            let crashes = policy.crashes(previous: state.crashes[child.role] ?? 0, uptime: uptime)
            state.crashes[child.role] = crashes
            return crashes
        }
        guard let crashes else { return }
        let delay = policy.delay(crashes: crashes)
        logger.warning(
            "participant restarting",
            metadata: [
                "role": "\(child.role)", "ending": "\(ending)", "crashes": "\(crashes)",
                "delay": "\(String(format: "%.1f", delay)) s",
            ])
        let task = Task { [weak self] in
            try? await Task.sleep(for: .milliseconds(Int64((delay * 1000).rounded())))
            guard let self, !Task.isCancelled else { return }
            let go = self.state.withLock { state -> Bool in
                guard !state.stopping else { return false }
                state.restarts += 1
                return true
            }
            guard go else { return }
            do {
                try await self.start(child)
                self.logger.info("participant restarted", metadata: ["role": "\(child.role)", "crashes": "\(crashes)"])
            } catch {
                // Its termination handler schedules the next attempt.
                self.logger.warning("participant restart failed", metadata: ["role": "\(child.role)", "error": "\(error)"])
            }
        }
        state.withLock { state in
            if state.stopping { task.cancel() } else { state.pendingRestarts[child.role] = task }
        }
    }

    /// Number of children still running.
    public var runningCount: Int { state.withLock { $0.processes.filter { $0.process.isRunning }.count } }

    /// How a child ended when it was stopped.
    public struct Stopped: Sendable, Hashable {
        public var role: String
        /// The exit status when it exited by itself (0 after a graceful stop).
        public var exitStatus: Int32?
        /// The signal that ended it when it did not handle one (9 after the grace period).
        public var signal: Int32?

        /// "exited with status 0", "killed by signal 9", for log lines.
        public var ending: String {
            if let signal { return "killed by signal \(signal)" }
            return "exited with status \(exitStatus ?? -1)"
        }
    }

    /// SIGTERM to every child, then SIGKILL to those still running after
    /// `grace`; returns how each one ended.
    @discardableResult
    public func stopAll(grace: Duration = .seconds(10)) async -> [Stopped] {
        let children = state.withLock { state in
            state.stopping = true
            for task in state.pendingRestarts.values { task.cancel() }
            state.pendingRestarts = [:]
            return state.processes
        }
        return await terminate(children, grace: grace)
    }

    private func terminate(_ children: [(role: String, process: Process)], grace: Duration) async -> [Stopped] {
        for child in children where child.process.isRunning { child.process.terminate() }
        let deadline = ContinuousClock.now.advanced(by: grace)
        while children.contains(where: { $0.process.isRunning }), ContinuousClock.now < deadline, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for child in children where child.process.isRunning {
            logger.warning("participant did not stop; killing", metadata: ["role": "\(child.role)"])
            kill(child.process.processIdentifier, SIGKILL)
        }
        for child in children { await Self.waitUntilExit(child.process) }
        return children.map { child in
            let process = child.process
            let stopped =
                process.terminationReason == .uncaughtSignal
                ? Stopped(role: child.role, exitStatus: nil, signal: process.terminationStatus)
                : Stopped(role: child.role, exitStatus: process.terminationStatus, signal: nil)
            logger.info("participant stopped", metadata: ["role": "\(child.role)", "ending": "\(stopped.ending)"])
            return stopped
        }
    }

    /// Polls, without blocking a thread, until the process has been reaped.
    private static func waitUntilExit(_ process: Process) async {
        while process.isRunning {
            do { try await Task.sleep(for: .milliseconds(20)) } catch { return }
        }
    }

    /// Resumes once when the child printed its first line or closed its output.
    final class FirstLineSignal: Sendable {
        private let state = Mutex<(fired: Bool, waiter: CheckedContinuation<Bool, Never>?)>((false, nil))

        func fire() {
            let continuation: CheckedContinuation<Bool, Never>? = state.withLock { state in
                guard !state.fired else { return nil }
                state.fired = true
                defer { state.waiter = nil }
                return state.waiter
            }
            continuation?.resume(returning: true)
        }

        func wait(timeout: Duration) async -> Bool {
            await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    await withCheckedContinuation { continuation in
                        let already = self.state.withLock { state -> Bool in
                            if state.fired { return true }
                            state.waiter = continuation
                            return false
                        }
                        if already { continuation.resume(returning: true) }
                    }
                }
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    return false
                }
                let first = await group.next() ?? false
                if !first { self.fire() }
                group.cancelAll()
                return first
            }
        }
    }
}
