import Primitives
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite struct OpenFilesLimitTests {
    struct Row: Sendable {
        var soft: UInt64
        var hard: UInt64
        var want: UInt64
    }

    static let rows: [Row] = [
        Row(soft: 1024, hard: 524_288, want: 524_288),
        Row(soft: 1024, hard: UInt64.max, want: 1 << 20), // RLIM_INFINITY: capped
        Row(soft: 4096, hard: 4096, want: 4096), // nothing to raise
        Row(soft: 2_000_000, hard: 4_000_000, want: 2_000_000), // never lowered
        Row(soft: 0, hard: 0, want: 0),
    ]

    @Test(arguments: rows)
    func target(_ row: Row) {
        #expect(OpenFilesLimit.target(soft: row.soft, hard: row.hard, ceiling: 1 << 20) == row.want)
    }

    /// Against the real process: afterwards the soft limit is what was reported.
    @Test func raisesThisProcessesSoftLimit() throws {
        let change = try #require(OpenFilesLimit.raiseToHardLimit())
        var limits = rlimit()
        #expect(getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limits) == 0)
        #expect(UInt64(limits.rlim_cur) == change.after)
        #expect(change.after >= change.before)
        #expect(change.after == min(change.hard, 1 << 20) || change.after == change.before)
    }
}
