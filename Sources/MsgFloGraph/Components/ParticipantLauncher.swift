import Foundation
import Logging
import MsgFlo
import Primitives

/// Starts the participants of a graph as child processes (`msgflo setup
/// --participants`), the way the reference does: a process counts as up on
/// its first line of output, and gets `MSGFLO_BROKER` in its environment.
public final class ParticipantLauncher: @unchecked Sendable {
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

    private let lock = NSLock()
    private var processes: [(role: String, process: Process)] = []
    private var stopping = false
    private let logger: Logger
    private let environment: [String: String]

    public init(brokerURL: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                logger: Logger = Logger(label: "msgflo.launcher")) {
        var environment = environment
        environment["MSGFLO_BROKER"] = brokerURL
        self.environment = environment
        self.logger = logger
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
            FileHandle.standardOutput.write(Data(out.utf8))
        }
        let logger = self.logger
        process.terminationHandler = { [weak self] process in
            let metadata: Logger.Metadata = ["role": "\(child.role)", "status": "\(process.terminationStatus)"]
            if self?.lock.withLock({ self?.stopping }) == true {
                logger.info("participant stopped", metadata: metadata)
            } else {
                logger.warning("participant exited unexpectedly", metadata: metadata)
            }
        }
        do {
            try process.run()
        } catch {
            throw LaunchError(role: child.role, command: child.command, reason: "could not start: \(error)")
        }
        lock.withLock { processes.append((child.role, process)) }
        logger.info("participant starting", metadata: ["role": "\(child.role)", "pid": "\(process.processIdentifier)"])
        let started = await firstLine.wait(timeout: timeout)
        if !process.isRunning {
            throw LaunchError(role: child.role, command: child.command, reason: "exited with status \(process.terminationStatus) at start")
        }
        if !started {
            throw LaunchError(role: child.role, command: child.command, reason: "printed nothing within \(timeout)")
        }
    }

    /// Number of children still running.
    public var runningCount: Int { lock.withLock { processes.filter { $0.process.isRunning }.count } }

    /// SIGTERM to every child, then SIGKILL to those still running after `grace`.
    public func stopAll(grace: Duration = .seconds(10)) async {
        let children = lock.withLock {
            stopping = true
            return processes
        }
        for child in children where child.process.isRunning { child.process.terminate() }
        let deadline = ContinuousClock.now.advanced(by: grace)
        while children.contains(where: { $0.process.isRunning }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        for child in children where child.process.isRunning {
            logger.warning("participant did not stop; killing", metadata: ["role": "\(child.role)"])
            kill(child.process.processIdentifier, SIGKILL)
        }
    }

    /// Resumes once when the child printed its first line or closed its output.
    final class FirstLineSignal: @unchecked Sendable {
        private let lock = NSLock()
        private var fired = false
        private var waiter: CheckedContinuation<Bool, Never>?

        func fire() {
            let continuation: CheckedContinuation<Bool, Never>? = lock.withLock {
                guard !fired else { return nil }
                fired = true
                defer { waiter = nil }
                return waiter
            }
            continuation?.resume(returning: true)
        }

        func wait(timeout: Duration) async -> Bool {
            await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    await withCheckedContinuation { continuation in
                        let already = self.lock.withLock { () -> Bool in
                            if self.fired { return true }
                            self.waiter = continuation
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
