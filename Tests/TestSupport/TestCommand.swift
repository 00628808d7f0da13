import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs programs from tests (scripts/services, mosquitto, openssl, vips) with
/// posix_spawn and waitpid. Foundation's `Process` misses the exit of a
/// script that leaves a daemon behind holding its pipes, and hands the test
/// process's blocked signals (SIGTERM among them) to its children; here the
/// child gets an empty signal mask and default dispositions, and its output
/// goes to a log file that a failure message shows.
public enum TestCommand {
    /// Starts `command` (looked up on PATH) and returns its pid; stdout and
    /// stderr are appended to `log` (nil: discarded). The caller reaps it.
    public static func spawn(
        _ command: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        log: URL? = nil
    ) throws -> pid_t {
        guard let program = command.first else { throw TestCommandError(description: "no command to run") }
        let arguments: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        let variables: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            arguments.forEach { free($0) }
            variables.forEach { free($0) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let output = log?.path ?? "/dev/null"
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, program, &actions, &attributes, arguments, variables)
        guard status == 0 else {
            throw TestCommandError(description: "cannot run \(program): \(String(cString: strerror(status)))")
        }
        return pid
    }

    /// Runs `command` to its end on the calling thread; throws, with the end
    /// of its log, unless it exits with status 0.
    public static func run(
        _ command: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        log: URL? = nil
    ) throws {
        let pid = try spawn(command, environment: environment, log: log)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else {
            let output = log.flatMap { try? String(contentsOf: $0, encoding: .utf8) }.map { "\n" + $0.suffix(4000) } ?? ""
            throw TestCommandError(description: "\(command.joined(separator: " ")) failed (wait status \(status))\(output)")
        }
    }

    /// `run`, on a thread of its own: a blocking waitpid must not hold one of
    /// the cooperative pool's threads (two on this machine) for seconds.
    public static func runOffPool(
        _ command: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        log: URL? = nil
    ) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread { continuation.resume(with: Result { try run(command, environment: environment, log: log) }) }.start()
        }
    }
}

public struct TestCommandError: Error, CustomStringConvertible {
    public var description: String
}
