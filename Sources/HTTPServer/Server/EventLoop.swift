import Foundation
import Primitives
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One epoll loop on its own thread, owning a set of connections.
///
/// Everything a connection holds is touched only on its loop's thread; other
/// threads (handler tasks, shutdown) talk to the loop through `execute`, which
/// queues a closure and wakes the loop with an eventfd.
///
/// Unchecked Sendable: the stored `var`s are confined to the loop's thread
/// (see `isOnLoopThread`); what other threads touch is `queue` and `lateTasks`
/// (mutexes) and the `let`s.
final class EventLoop: @unchecked Sendable {
    let index: Int
    let server: HTTPServer
    let configuration: HTTPServer.Configuration
    private let epollFD: Int32
    private let wakeFD: Int32
    private let queue = Mutex<(tasks: [@Sendable () -> Void], wakePending: Bool, stopped: Bool)>(([], false, false))
    /// Serializes tasks that arrive after the loop has stopped (from handlers that
    /// outlived the grace period); they then only meet closed connections.
    private let lateTasks = Mutex(())

    // Loop-confined state.
    private var listeners: [Int32]
    /// Listeners taken out of epoll after an accept failure (such as running out of
    /// descriptors), so that a level-triggered listener cannot spin the loop; they
    /// are put back at the next sweep.
    private var pausedListeners: [Int32] = []
    private var connections: [HTTPConnection?] = []
    private var connectionCount = 0
    private(set) var draining = false
    private var drainDeadline: UInt64 = 0
    private var nextSweep: UInt64 = 0
    private let sweepInterval: UInt64
    let scratch: UnsafeMutableRawBufferPointer
    private(set) var dateHeader: [UInt8] = []
    private var dateSecond = 0
    private var requestCounter: UInt64 = 0
    /// Tasks queued from the loop thread itself: no lock, no wakeup needed.
    private var localTasks: [@Sendable () -> Void] = []

    /// Marks the loop's own thread, so `execute` can tell a local call from a remote one.
    private static let threadKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    var isOnLoopThread: Bool {
        pthread_getspecific(Self.threadKey) == Unmanaged.passUnretained(self).toOpaque()
    }

    init(index: Int, server: HTTPServer, listeners: [Int32]) throws {
        self.index = index
        self.server = server
        self.configuration = server.configuration
        self.listeners = listeners
        epollFD = Epoll.create()
        guard epollFD >= 0 else { throw SocketError("epoll_create1") }
        wakeFD = Epoll.makeEventFD()
        guard wakeFD >= 0 else { throw SocketError("eventfd") }
        scratch = .allocate(byteCount: 64 * 1024, alignment: 16)
        let shortest =
            [
                configuration.idleTimeout, configuration.headerReadTimeout,
                configuration.bodyReadTimeout, configuration.writeTimeout,
                configuration.webSocketPingInterval ?? .seconds(1),
            ].map(\.nanoseconds).min() ?? 1_000_000_000
        sweepInterval = min(250_000_000, max(5_000_000, shortest / 4))
        register(wakeFD, events: Epoll.in)
        for listener in listeners {
            register(listener, events: Epoll.in | Epoll.exclusive)
        }
    }

    deinit {
        scratch.deallocate()
    }

    /// Runs `task` on the loop thread soon; callable from any thread.
    func execute(_ task: @escaping @Sendable () -> Void) {
        if isOnLoopThread {
            localTasks.append(task)
            return
        }
        let (needsWake, stopped) = queue.withLock { state -> (Bool, Bool) in
            if state.stopped { return (false, true) }
            state.tasks.append(task)
            if state.wakePending { return (false, false) }
            state.wakePending = true
            return (true, false)
        }
        if stopped {
            // The wake descriptor is closed (its number may already belong to
            // another socket): run the task here instead.
            lateTasks.withLock { _ in task() }
            return
        }
        if needsWake {
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
    }

    // MARK: epoll registration

    func register(_ fd: Int32, events: UInt32) {
        _ = Epoll.add(epollFD, fd, events: events)
    }

    func modify(_ fd: Int32, events: UInt32) {
        _ = Epoll.modify(epollFD, fd, events: events)
    }

    func unregister(_ fd: Int32) {
        _ = Epoll.remove(epollFD, fd)
    }

    // MARK: the loop

    /// Like `execute`, but refuses (returns false) once the loop has stopped, for
    /// work that must then go elsewhere (task jobs).
    func executeIfRunning(_ task: @escaping @Sendable () -> Void) -> Bool {
        if isOnLoopThread {
            localTasks.append(task)
            return true
        }
        let (needsWake, stopped) = queue.withLock { state -> (Bool, Bool) in
            if state.stopped { return (false, true) }
            state.tasks.append(task)
            if state.wakePending { return (false, false) }
            state.wakePending = true
            return (true, false)
        }
        if needsWake {
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
        return !stopped
    }

    /// Starts a task for a handler, where the configuration says handlers run.
    func spawn(_ operation: sending @escaping @isolated(any) () async -> Void) {
        if configuration.handlerExecution == .eventLoop, #available(macOS 15, iOS 18, tvOS 18, watchOS 11, *) {
            Task(executorPreference: self, operation: operation)
        } else {
            Task(operation: operation)
        }
    }

    func run() {
        pthread_setspecific(Self.threadKey, Unmanaged.passUnretained(self).toOpaque())
        let maxEvents = 256
        let events = UnsafeMutableBufferPointer<Epoll.Ready>.allocate(capacity: maxEvents)
        defer { events.deallocate() }
        nextSweep = MonotonicClock.nanoseconds() + sweepInterval
        while true {
            let now = MonotonicClock.nanoseconds()
            let timeout =
                !localTasks.isEmpty
                ? 0
                : nextSweep > now ? Int32(min(1000, (nextSweep - now) / 1_000_000 + 1)) : 0
            let count = Epoll.wait(epollFD, events, timeout: timeout)
            if count < 0 && errno != EINTR { break }
            for i in 0..<max(0, Int(count)) {
                let event = events[i]
                let fd = event.fd
                if fd == wakeFD {
                    var value: UInt64 = 0
                    _ = read(wakeFD, &value, 8)
                } else if listeners.contains(fd) {
                    acceptConnections(fd)
                } else if Int(fd) < connections.count, let connection = connections[Int(fd)] {
                    connection.handle(events: event.events)
                }
            }
            runQueuedTasks()
            let after = MonotonicClock.nanoseconds()
            if after >= nextSweep {
                sweep(now: after)
                nextSweep = after + sweepInterval
            }
            if draining {
                if connectionCount == 0 { break }
                if after >= drainDeadline {
                    closeAll()
                    break
                }
            }
        }
        closeAll()
        queue.withLock { $0.stopped = true }
        lateTasks.withLock { _ in runQueuedTasks() }
        close(wakeFD)
        close(epollFD)
        server.loopFinished()
    }

    /// Runs queued work, including work it queues in turn, for a bounded number of
    /// rounds so that a task that keeps re-queueing cannot starve socket I/O.
    private func runQueuedTasks() {
        for _ in 0..<16 {
            var tasks = queue.withLock { state -> [@Sendable () -> Void] in
                state.wakePending = false
                let tasks = state.tasks
                state.tasks = []
                return tasks
            }
            if !localTasks.isEmpty {
                tasks.append(contentsOf: localTasks)
                localTasks.removeAll(keepingCapacity: true)
            }
            if tasks.isEmpty { return }
            for task in tasks { task() }
        }
    }

    private func acceptConnections(_ listener: Int32) {
        for _ in 0..<32 {
            let accepted: (fd: Int32, address: String)?
            do {
                accepted = try PosixSocket.accept(listener)
            } catch {
                server.logger.warning("accept failed, pausing accepts briefly: \(error)")
                unregister(listener)
                pausedListeners.append(listener)
                return
            }
            guard let (fd, address) = accepted else { return }
            let admitted = server.reserveConnection()
            let connection = HTTPConnection(fd: fd, loop: self, remoteAddress: address, counted: admitted)
            add(connection)
            if admitted {
                connection.start()
            } else {
                server.logger.warning("connection limit \(configuration.maxConnections) reached: refusing \(address)")
                connection.refuse()
            }
        }
    }

    private func add(_ connection: HTTPConnection) {
        let slot = Int(connection.fd)
        if slot >= connections.count {
            connections.append(contentsOf: repeatElement(nil, count: slot - connections.count + 64))
        }
        connections[slot] = connection
        connectionCount += 1
    }

    /// Called by a connection as it closes its descriptor.
    func removed(_ connection: HTTPConnection) {
        let slot = Int(connection.fd)
        if slot < connections.count, connections[slot] === connection {
            connections[slot] = nil
            connectionCount -= 1
        }
        if connection.counted { server.releaseConnection() }
    }

    private func sweep(now: UInt64) {
        if !pausedListeners.isEmpty && !draining {
            for listener in pausedListeners { register(listener, events: Epoll.in | Epoll.exclusive) }
            pausedListeners = []
        }
        for case let connection? in connections where connection.deadline != 0 && connection.deadline <= now {
            connection.deadlineExpired()
        }
    }

    private func closeAll() {
        for case let connection? in connections { connection.close() }
    }

    /// Stops accepting and closes idle connections; busy ones close after their
    /// current response, or when the grace period ends.
    func beginDrain() {
        guard !draining else { return }
        draining = true
        drainDeadline = MonotonicClock.nanoseconds() + configuration.shutdownGracePeriod.nanoseconds
        for listener in listeners where !pausedListeners.contains(listener) { unregister(listener) }
        listeners = []
        pausedListeners = []
        for case let connection? in connections { connection.drain() }
        server.listenersReleased()
    }

    // MARK: per-loop helpers for connections

    /// `Date: ...\r\n`, formatted at most once a second.
    func currentDateHeader() -> [UInt8] {
        let now = time(nil)
        if Int(now) != dateSecond || dateHeader.isEmpty {
            dateSecond = Int(now)
            dateHeader = Array("Date: \(HTTPDate.format(now))\r\n".utf8)
        }
        return dateHeader
    }

    func nextRequestId() -> String {
        requestCounter += 1
        return "\(server.requestIdPrefix)-\(index)-\(requestCounter)"
    }
}

/// IMF-fixdate (RFC 9110 section 5.6.7) for the Date header.
enum HTTPDate {
    static func format(_ seconds: time_t) -> String {
        var time = seconds
        var parts = tm()
        gmtime_r(&time, &parts)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
