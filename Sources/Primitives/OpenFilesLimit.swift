#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The process's limit on open files (`RLIMIT_NOFILE`). Every client
/// connection of a server is one file descriptor, and distributions start
/// processes with a soft limit of 1024 while the hard limit is often 1M:
/// a web process holding 10,000 long-polls must raise its own soft limit.
public enum OpenFilesLimit {
    /// What raising did: the soft limit before and after, and the hard limit.
    public struct Change: Sendable, Equatable {
        public var before: UInt64
        public var after: UInt64
        public var hard: UInt64
    }

    /// The soft limit to ask for: the hard limit, capped at `ceiling` (an
    /// unlimited hard limit would make per-descriptor tables needlessly large),
    /// never lower than `soft` is already.
    public static func target(soft: UInt64, hard: UInt64, ceiling: UInt64 = 1 << 20) -> UInt64 {
        max(soft, min(hard, ceiling))
    }

    /// Raises the soft limit as far as the hard limit allows. Returns what
    /// changed, or nil when the limits cannot be read or set (the process
    /// then keeps the limit it was started with).
    @discardableResult
    public static func raiseToHardLimit(ceiling: UInt64 = 1 << 20) -> Change? {
        var limits = rlimit()
        guard getrlimit(resourceKind, &limits) == 0 else { return nil }
        let before = UInt64(limits.rlim_cur)
        let wanted = target(soft: before, hard: UInt64(limits.rlim_max), ceiling: ceiling)
        if wanted != before {
            var raised = limits
            raised.rlim_cur = rlim_t(wanted)
            guard setrlimit(resourceKind, &raised) == 0 else { return nil }
        }
        return Change(before: before, after: wanted, hard: UInt64(limits.rlim_max))
    }

    #if canImport(Glibc)
        private static let resourceKind = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        private static let resourceKind = RLIMIT_NOFILE
    #endif
}
