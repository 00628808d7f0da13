#if canImport(Glibc)
import Glibc
#endif

/// epoll and eventfd, which the Glibc module does not export (it leaves out
/// <sys/epoll.h> and <sys/eventfd.h>). The four calls take only integers and
/// pointers, so they are bound by symbol name; the constants are the kernel's ABI.
/// A `CEpoll` system-library target would be the tidier home if the package ever
/// grows C shims for this module.
enum Epoll {
    static let `in`: UInt32 = 0x001
    static let out: UInt32 = 0x004
    static let err: UInt32 = 0x008
    static let hup: UInt32 = 0x010
    static let rdhup: UInt32 = 0x2000
    static let exclusive: UInt32 = 1 << 28
    static let ctlAdd: Int32 = 1
    static let ctlDel: Int32 = 2
    static let ctlMod: Int32 = 3
    static let cloexec: Int32 = 0o2000000
    static let eventfdNonBlock: Int32 = 0o4000
    static let eventfdCloexec: Int32 = 0o2000000

    /// `struct epoll_event` is packed on x86_64 (12 bytes) and naturally aligned elsewhere.
    #if arch(x86_64)
    static let eventSize = 12
    static let dataOffset = 4
    #else
    static let eventSize = 16
    static let dataOffset = 8
    #endif

    static func create() -> Int32 { c_epoll_create1(cloexec) }

    static func control(_ epollFD: Int32, _ operation: Int32, _ fd: Int32, events: UInt32) -> Int32 {
        var raw: (UInt64, UInt64) = (0, 0)
        return withUnsafeMutableBytes(of: &raw) { buffer in
            buffer.storeBytes(of: events, toByteOffset: 0, as: UInt32.self)
            buffer.storeBytes(of: UInt64(UInt32(bitPattern: fd)), toByteOffset: dataOffset, as: UInt64.self)
            return c_epoll_ctl(epollFD, operation, fd, buffer.baseAddress!)
        }
    }

    static func wait(_ epollFD: Int32, _ events: UnsafeMutableRawPointer, _ maxEvents: Int32, _ timeout: Int32) -> Int32 {
        c_epoll_wait(epollFD, events, maxEvents, timeout)
    }

    /// The (events, fd) of entry `index` of a buffer filled by `wait`.
    static func event(_ buffer: UnsafeMutableRawPointer, _ index: Int) -> (events: UInt32, fd: Int32) {
        let base = buffer + index * eventSize
        let events = base.loadUnaligned(as: UInt32.self)
        let data = (base + dataOffset).loadUnaligned(as: UInt64.self)
        return (events, Int32(truncatingIfNeeded: data))
    }

    static func makeEventFD() -> Int32 { c_eventfd(0, eventfdNonBlock | eventfdCloexec) }
}

@_silgen_name("epoll_create1")
private func c_epoll_create1(_ flags: Int32) -> Int32

@_silgen_name("epoll_ctl")
private func c_epoll_ctl(_ epfd: Int32, _ op: Int32, _ fd: Int32, _ event: UnsafeMutableRawPointer) -> Int32

@_silgen_name("epoll_wait")
private func c_epoll_wait(_ epfd: Int32, _ events: UnsafeMutableRawPointer, _ maxevents: Int32, _ timeout: Int32) -> Int32

@_silgen_name("eventfd")
private func c_eventfd(_ initval: UInt32, _ flags: Int32) -> Int32
