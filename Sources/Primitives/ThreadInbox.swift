import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The locked command queue between async Swift and the one thread that owns
/// a C connection (AMQP, MQTT, PostgreSQL).
///
/// Posting also writes a byte to a pipe, so the thread, which sleeps in
/// `poll()` on its socket and that pipe, wakes at once instead of after a
/// polling interval: acks, publishes and queries go out with no added latency.
///
/// Lifecycle: any thread may `close()` the inbox (a shutdown request); posts
/// are refused from then on, the owner is woken, and what was posted before
/// stays for the owner's `take()`, so it can answer every command it accepted.
package final class ThreadInbox<Command: Sendable>: Sendable {
    private struct State {
        var commands: [Command] = []
        var closed = false
    }

    private let state = Mutex(State())
    private let readEnd: Int32
    private let writeEnd: Int32

    package init() {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0, "cannot create a pipe: \(String(cString: strerror(errno)))")
        readEnd = fds[0]
        writeEnd = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
    }

    deinit {
        Glibc.close(readEnd)
        Glibc.close(writeEnd)
    }

    /// Queues a command and wakes the owner; false (nothing queued) once closed.
    @discardableResult
    package func post(_ command: Command) -> Bool {
        let (accepted, wasEmpty) = state.withLock { state -> (Bool, Bool) in
            guard !state.closed else { return (false, false) }
            state.commands.append(command)
            return (true, state.commands.count == 1)
        }
        // One byte per batch: the owner takes the whole queue when it wakes.
        if wasEmpty { wake() }
        return accepted
    }

    /// Everything posted and not yet taken, oldest first (also after `close()`).
    package func take() -> [Command] {
        state.withLock { state in
            defer { state.commands = [] }
            return state.commands
        }
    }

    /// Refuses posts from now on and wakes the owner; what was posted before
    /// stays for `take()`. Safe from any thread, any number of times.
    package func close() {
        let first = state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
        if first { wake() }
    }

    /// Whether `close()` was called.
    package var isClosed: Bool { state.withLock { $0.closed } }

    /// What ended a `wait`.
    package enum Wakeup: Sendable, Hashable {
        /// The socket is readable, hung up or failed: a read will tell which.
        case socketReady
        /// A command was posted or the inbox closed.
        case posted
        case timedOut
        /// A signal interrupted the wait.
        case interrupted
        /// poll() failed with this errno (not EINTR).
        case failed(errno: Int32)
    }

    /// Sleeps until a command is posted, `socket` is ready, or `timeout`
    /// passes (nil: no timeout). Only the owning thread calls this.
    @discardableResult
    package func wait(socket: Int32? = nil, timeout: Duration?) -> Wakeup {
        var fds = [pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)]
        if let socket, socket >= 0 { fds.append(pollfd(fd: socket, events: Int16(POLLIN), revents: 0)) }
        let millis = timeout.map { Self.pollMilliseconds($0) } ?? -1
        let ready = poll(&fds, nfds_t(fds.count), millis)
        if ready < 0 {
            return errno == EINTR ? .interrupted : .failed(errno: errno)
        }
        let posted = fds[0].revents != 0
        if posted {
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(readEnd, &buffer, buffer.count) > 0 {}
        }
        if fds.count > 1, fds[1].revents != 0 { return .socketReady }
        return posted ? .posted : .timedOut
    }

    private func wake() {
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
    }

    /// A poll() timeout: whole milliseconds rounded up, so a wait never ends
    /// (and spins) before its deadline; at least 0, at most Int32.max.
    static func pollMilliseconds(_ timeout: Duration) -> Int32 {
        guard timeout > .zero else { return 0 }
        let (seconds, attoseconds) = timeout.components
        let (millis, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return .max }
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: millis &+ fraction)
    }
}
