/// A named series of measurements over a run (queue depth, worker count...),
/// so the report can show what the service did while the load ran. Times are
/// seconds after the start of the run, like the job records.
public struct TimeSeries: Sendable, Hashable, Codable {
    public var name: String
    /// What the values count, e.g. "messages" or "workers"; series with the
    /// same unit share a chart.
    public var unit: String
    public var points: [Point]

    public struct Point: Sendable, Hashable, Codable {
        public var t: Double
        public var value: Double

        public init(t: Double, value: Double) {
            self.t = t
            self.value = value
        }
    }

    public init(name: String, unit: String, points: [Point] = []) {
        self.name = name
        self.unit = unit
        self.points = points
    }
}

/// Series computed from the job records themselves.
public enum DerivedSeries {
    /// Jobs in flight over time: a point after every submission and completion.
    public static func inFlight(_ records: [LoadJobRecord]) -> TimeSeries {
        var events: [(t: Double, delta: Int)] = []
        for record in records where record.status != .skipped {
            events.append((record.submittedAt, 1))
            if let end = record.completedAt { events.append((end, -1)) }
        }
        // At equal times, count the finish first: a job done at t is not in flight at t.
        events.sort { $0.t != $1.t ? $0.t < $1.t : $0.delta < $1.delta }
        var level = 0
        var points = [TimeSeries.Point(t: 0, value: 0)]
        for event in events {
            level += event.delta
            points.append(TimeSeries.Point(t: event.t, value: Double(level)))
        }
        return TimeSeries(name: "jobs in flight", unit: "jobs", points: points)
    }

    /// Finished jobs per time bucket, counted at their completion time.
    public struct Bucket: Sendable, Hashable {
        public var start: Double
        public var completed: Int
        public var failed: Int
    }

    /// More buckets than a chart can show are folded into the last one.
    static let maxBuckets = 100_000

    /// Completions (and failures) per `width`-second bucket, from 0 to the last one.
    public static func throughput(_ records: [LoadJobRecord], bucketWidth width: Double = 10) -> [Bucket] {
        let finished = records.compactMap { record in
            record.completedAt.flatMap { $0.isFinite && record.status != .skipped ? (record, $0) : nil }
        }
        guard let last = finished.map(\.1).max(), width > 0, width.isFinite else { return [] }
        // Clamped before converting: a record read from a file may say anything.
        func bucket(_ seconds: Double) -> Int { Int(min(max((seconds / width).rounded(.down), 0), Double(Self.maxBuckets - 1))) }
        let count = bucket(last) + 1
        var buckets = (0..<count).map { Bucket(start: Double($0) * width, completed: 0, failed: 0) }
        for (record, completedAt) in finished {
            let index = bucket(completedAt)
            if record.status == .completed { buckets[index].completed += 1 } else { buckets[index].failed += 1 }
        }
        return buckets
    }
}
