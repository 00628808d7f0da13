import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The locked command queue between async Swift and a connection thread.
///
/// Posting also writes a byte to a pipe, so the thread, which sleeps in
/// `poll()` on its socket and that pipe, wakes at once instead of after a
/// polling interval: acks and publishes go out with no added latency.
package final class ThreadInbox<Command: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var commands: [Command] = []
    private var closed = false
    private let readEnd: Int32
    private let writeEnd: Int32

    package init() {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0, "cannot create a pipe: \(String(cString: strerror(errno)))")
        readEnd = fds[0]
        writeEnd = fds[1]
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    deinit {
        Glibc.close(readEnd)
        Glibc.close(writeEnd)
    }

    /// Queues a command; false when the thread has stopped taking commands.
    @discardableResult
    package func post(_ command: Command) -> Bool {
        lock.lock()
        guard !closed else { lock.unlock(); return false }
        let wasEmpty = commands.isEmpty
        commands.append(command)
        lock.unlock()
        if wasEmpty {
            var byte: UInt8 = 1
            _ = write(writeEnd, &byte, 1)
        }
        return true
    }

    /// Everything posted so far, oldest first.
    package func take() -> [Command] {
        lock.lock()
        defer { lock.unlock() }
        let taken = commands
        commands = []
        return taken
    }

    /// Stops accepting commands and returns the ones never taken.
    package func close() -> [Command] {
        lock.lock()
        defer { lock.unlock() }
        closed = true
        let left = commands
        commands = []
        return left
    }

    /// Sleeps until a command is posted, `socket` is readable, or `timeout` passes.
    package func wait(socket: Int32?, timeout: Duration) {
        var fds = [pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)]
        if let socket, socket >= 0 { fds.append(pollfd(fd: socket, events: Int16(POLLIN), revents: 0)) }
        let millis = Int32(clamping: max(0, Int64(timeout.seconds * 1000)))
        _ = poll(&fds, nfds_t(fds.count), millis)
        if fds[0].revents != 0 {
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(readEnd, &buffer, buffer.count) > 0 {}
        }
    }
}
