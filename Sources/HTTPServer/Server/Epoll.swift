import CEpoll

/// epoll and eventfd through the `CEpoll` shim (Glibc's module does not
/// export them): the event loops' only use of the kernel's readiness API.
enum Epoll {
    static let `in` = msgflo_epoll_in
    static let out = msgflo_epoll_out
    static let err = msgflo_epoll_err
    static let hup = msgflo_epoll_hup
    static let rdhup = msgflo_epoll_rdhup
    static let exclusive = msgflo_epoll_exclusive

    typealias Ready = msgflo_epoll_ready

    static func create() -> Int32 { msgflo_epoll_create() }

    static func add(_ epollFD: Int32, _ fd: Int32, events: UInt32) -> Int32 { msgflo_epoll_add(epollFD, fd, events) }
    static func modify(_ epollFD: Int32, _ fd: Int32, events: UInt32) -> Int32 { msgflo_epoll_modify(epollFD, fd, events) }
    static func remove(_ epollFD: Int32, _ fd: Int32) -> Int32 { msgflo_epoll_remove(epollFD, fd) }

    /// Fills `ready` with up to `ready.count` events; the count, or -1 with errno.
    static func wait(_ epollFD: Int32, _ ready: UnsafeMutableBufferPointer<Ready>, timeout: Int32) -> Int32 {
        msgflo_epoll_wait(epollFD, ready.baseAddress, Int32(clamping: ready.count), timeout)
    }

    static func makeEventFD() -> Int32 { msgflo_eventfd() }
}
