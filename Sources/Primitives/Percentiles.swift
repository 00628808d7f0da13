/// Percentiles of a sample by the one definition the project uses everywhere
/// (`GET /stats`, the load test's summary and report, guv's simulator, the demo
/// page): **nearest rank**.
///
/// The p-th percentile is the smallest observed value such that at least p % of
/// the sample is at or below it: the value at 1-based rank ⌈p/100 · n⌉ of the
/// sorted sample, with p = 0 giving the minimum and p = 100 the maximum. An
/// empty sample has no percentiles (nil); NaN values have no rank and are left
/// out.
///
/// Why nearest rank and not linear interpolation (numpy's default, PostgreSQL's
/// `percentile_cont`): it always names a value the sample really has (a latency
/// some job really had), and "p95 ≤ deadline" then means exactly "at least 95 %
/// of jobs met the deadline", the statement the demo and the load-test verdict
/// make. Interpolation can report a p95 under the deadline when fewer than 95 %
/// met it.
///
/// The same definition elsewhere:
/// - SQL: PostgreSQL's `percentile_disc(p / 100.0) WITHIN GROUP (ORDER BY x)`
///   ("the first value whose position in the ordering equals or exceeds the
///   fraction"), which `/stats` uses. PostgreSQL computes the rank as
///   ⌈f · n⌉ in floating point; for the fractions `/stats` asks for (0.5, 0.9,
///   0.95, 0.99) that is the exact rank for every n the tests try.
/// - JavaScript (the demo page): `sorted[Math.ceil(0.95 * n) - 1]`.
package struct Percentiles: Sendable, Hashable {
    /// The sample in increasing order, without NaN.
    package let sorted: [Double]

    package init<S: Sequence>(_ values: S) where S.Element == Double {
        sorted = values.filter { !$0.isNaN }.sorted()
    }

    /// The nearest-rank percentile; `percent` is clamped to 0...100. Nil for an
    /// empty sample or a NaN `percent`.
    package func value(at percent: Double) -> Double? {
        guard let rank = Self.rank(percent: percent, count: sorted.count) else { return nil }
        return sorted[rank - 1]
    }

    /// The 1-based rank of the p-th percentile in a sorted sample of `count`
    /// values: ⌈p/100 · count⌉, at least 1. Nil when there is no such rank.
    ///
    /// `p · count` is multiplied before dividing by 100, so for a whole-number
    /// `p` the product is exact and so is the rank (95 % of 20 is rank 19, not 20).
    package static func rank(percent: Double, count: Int) -> Int? {
        guard count > 0, !percent.isNaN else { return nil }
        let clamped = min(max(percent, 0), 100)
        let exact = (clamped * Double(count) / 100).rounded(.up)
        // 0 ≤ exact ≤ count (an array's count is far below 2^53), so the conversion cannot trap.
        return min(max(Int(exact), 1), count)
    }

    package var minimum: Double? { sorted.first }
    package var maximum: Double? { sorted.last }
    package var mean: Double? {
        sorted.isEmpty ? nil : sorted.reduce(0, +) / Double(sorted.count)
    }
}
