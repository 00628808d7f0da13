#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Time that only moves forward, as plain nanoseconds: for deadlines and
/// elapsed times on hot paths (the HTTP event loops check one per event), where
/// `ContinuousClock.Instant` arithmetic would cost more than the comparison.
/// Never wall-clock time, so a clock step cannot expire or extend a deadline.
public enum MonotonicClock {
    /// Nanoseconds since an arbitrary fixed point (boot, on Linux).
    @inline(__always)
    public static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
