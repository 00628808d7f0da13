import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child process in its own process group, spawned with default signal
/// dispositions, reaped by a dedicated thread.
///
/// Foundation's `Process` keeps the parent's ignored signals (a supervisor that
/// ignores SIGTERM to handle it itself would hand that to every child) and shares
/// the parent's process group, so `sh -c 'a; b'` children survived a stop. Here
/// stop signals go to the whole group.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    /// Set by the reaper thread once the child has exited.
    private let exitStatus = Mutex<Int32?>(nil)

    /// Spawn `/bin/sh -c command`. Each line of its stdout and stderr goes to `onLine`
    /// (on a reader thread); `onExit` runs on the reaper thread with the exit status
    /// (128 + signal when killed).
    public init(
        command: String, environment: [String: String],
        onLine: @escaping @Sendable (String) -> Void,
        onExit: @escaping @Sendable (Int32) -> Void
    ) throws(LocalFormationError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw LocalFormationError("pipe failed: errno \(errno)") }
        // Close-on-exec, or every later child would hold this pipe open.
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        let (readFD, outputFD) = (fds[0], fds[1])
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for sig in [SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE, SIGCHLD] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigdefault(&attr, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setpgroup(&attr, 0)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, outputFD, 1)
        posix_spawn_file_actions_adddup2(&actions, outputFD, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

        let argv: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", command].map { (s: String) in strdup(s) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { (k: String, v: String) in strdup("\(k)=\(v)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let rc = posix_spawn(&child, "/bin/sh", &actions, &attr, argv, envp)
        close(outputFD)
        guard rc == 0 else {
            close(readFD)
            throw LocalFormationError("cannot start '\(command)': errno \(rc)")
        }
        pid = child
        let reader = Thread {
            var pending = [UInt8]()
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(readFD, &chunk, chunk.count)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                pending.append(contentsOf: chunk[0..<n])
                while let newline = pending.firstIndex(of: 10) {
                    onLine(String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
            }
            if !pending.isEmpty { onLine(String(decoding: pending, as: UTF8.self)) }
            close(readFD)
        }
        reader.name = "guv-output-\(child)"
        reader.start()
        let spawned = child
        let reaper = Thread { [self] in
            var status: Int32 = 0
            while waitpid(spawned, &status, 0) < 0 && errno == EINTR {}
            // WIFEXITED / WEXITSTATUS / WTERMSIG, spelled out (macros are not imported).
            let signal = status & 0x7f
            let code: Int32 = signal == 0 ? (status >> 8) & 0xff : 128 + signal
            exitStatus.withLock { $0 = code }
            onExit(code)
        }
        reaper.name = "guv-reap-\(spawned)"
        reaper.start()
    }

    public var isRunning: Bool { exitStatus.withLock { $0 == nil } }

    /// Signal the whole process group (the shell and anything it started).
    public func signal(_ sig: Int32) {
        guard isRunning else { return }
        if kill(-pid, sig) != 0 { kill(pid, sig) }
    }
}
