/// Percentiles of a sample by the nearest-rank method.
///
/// The p-th percentile is the smallest observed value such that at least p% of
/// the sample is at or below it: the value at 1-based rank ceil(p/100 · n),
/// with p = 0 giving the minimum and p = 100 the maximum. Chosen over linear
/// interpolation because it always names a latency a job really had, and
/// "p95 ≤ deadline" then means exactly "at least 95% of jobs met it", which is
/// the statement the demo makes. An empty sample has no percentiles (nil).
public struct Percentiles: Sendable, Hashable {
    /// The sample in increasing order.
    public let sorted: [Double]

    public init<S: Sequence>(_ values: S) where S.Element == Double {
        sorted = values.sorted()
    }

    /// The nearest-rank percentile; `p` is clamped to 0...100.
    public func value(at p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let n = Double(sorted.count)
        let clamped = min(max(p, 0), 100)
        // Multiply before dividing and forgive rounding noise, so that 95% of 20
        // is rank 19, not 20.
        let rank = Int((clamped * n / 100 - 1e-9).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    public var minimum: Double? { sorted.first }
    public var maximum: Double? { sorted.last }
    public var mean: Double? {
        sorted.isEmpty ? nil : sorted.reduce(0, +) / Double(sorted.count)
    }
}
