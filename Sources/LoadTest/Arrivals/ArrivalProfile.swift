/// How the offered load changes over a run, in jobs per minute.
///
/// The demo needs more than a constant rate: a step up to overwhelm the service,
/// a ramp to find where the deadline breaks, a spike to watch the autoscaler
/// react. Every profile is a rate function λ(t); arrivals are a Poisson process
/// with that rate (see `ArrivalTimes`), which is how independent users arrive.
public enum ArrivalProfile: Sendable, Hashable {
    /// A constant rate for ever (bound the run by count or duration).
    case poisson(ratePerMinute: Double)
    /// Consecutive constant-rate segments; the profile ends after the last one.
    case steps([Step])
    /// A linear change from one rate to another over `seconds`; the profile ends
    /// at the end of the ramp.
    case ramp(fromPerMinute: Double, toPerMinute: Double, seconds: Double)
    /// A base rate for ever, replaced by the burst rate during
    /// [atSecond, atSecond + seconds).
    case spike(basePerMinute: Double, burstPerMinute: Double, atSecond: Double, seconds: Double)

    /// One segment of a `steps` profile.
    public struct Step: Sendable, Hashable {
        public var ratePerMinute: Double
        public var seconds: Double

        public init(ratePerMinute: Double, seconds: Double) {
            self.ratePerMinute = ratePerMinute
            self.seconds = seconds
        }
    }

    /// The intended arrival rate at `t` seconds after the start, in jobs per minute.
    /// Zero after the end of a profile that ends.
    public func ratePerMinute(at t: Double) -> Double {
        guard t >= 0 else { return 0 }
        if let end = naturalDuration, t >= end { return 0 }
        switch self {
        case .poisson(let rate):
            return rate
        case .steps(let steps):
            var start = 0.0
            for step in steps {
                if t < start + step.seconds { return step.ratePerMinute }
                start += step.seconds
            }
            return 0
        case .ramp(let from, let to, let seconds):
            return from + (to - from) * (t / seconds)
        case .spike(let base, let burst, let at, let seconds):
            return (t >= at && t < at + seconds) ? burst : base
        }
    }

    /// The highest rate the profile ever reaches: the envelope for thinning.
    public var maximumRatePerMinute: Double {
        switch self {
        case .poisson(let rate): return rate
        case .steps(let steps): return steps.map(\.ratePerMinute).max() ?? 0
        case .ramp(let from, let to, _): return max(from, to)
        case .spike(let base, let burst, _, _): return max(base, burst)
        }
    }

    /// Seconds after which the profile offers no more load, or nil when it runs
    /// until the run's own bound stops it.
    public var naturalDuration: Double? {
        switch self {
        case .poisson, .spike: return nil
        case .steps(let steps): return steps.reduce(0) { $0 + $1.seconds }
        case .ramp(_, _, let seconds): return seconds
        }
    }

    /// The expected number of arrivals in [start, end): the integral of λ(t),
    /// used by tests and to tell the user how big a run will be.
    public func expectedArrivals(from start: Double, to end: Double) -> Double {
        // Every profile is piecewise linear, so the trapezoid rule is exact on
        // pieces; integrate between the profile's breakpoints.
        var cuts: Set<Double> = [start, end]
        switch self {
        case .poisson: break
        case .steps(let steps):
            var at = 0.0
            for step in steps {
                at += step.seconds
                cuts.insert(at)
            }
            cuts.insert(0)
        case .ramp(_, _, let seconds): cuts.formUnion([0, seconds])
        case .spike(_, _, let at, let seconds): cuts.formUnion([at, at + seconds])
        }
        let points = cuts.filter { $0 >= start && $0 <= end }.sorted()
        var total = 0.0
        for (a, b) in zip(points, points.dropFirst()) where b > a {
            // Evaluate just inside each piece so that jumps at the cuts do not leak in.
            let epsilon = (b - a) * 1e-9
            let left = ratePerMinute(at: a + epsilon)
            let right = ratePerMinute(at: b - epsilon)
            total += (left + right) / 2 * (b - a) / 60
        }
        return total
    }
}
