import Foundation
import Synchronization

/// Process-wide counters and latency histograms in the Prometheus text format.
///
/// Small on purpose: a few counters and histograms with fixed label sets cover
/// `/metrics`, and it avoids a metrics dependency for the whole package.
public final class Metrics: Sendable {
    struct Histogram {
        var buckets: [Double]
        var counts: [Int]
        var sum: Double = 0
        var count: Int = 0

        init(buckets: [Double]) {
            self.buckets = buckets
            counts = Array(repeating: 0, count: buckets.count)
        }

        mutating func observe(_ value: Double) {
            for (index, bound) in buckets.enumerated() where value <= bound { counts[index] += 1 }
            sum += value
            count += 1
        }
    }

    struct State {
        var counters: [String: [String: Double]] = [:]
        var histograms: [String: [String: Histogram]] = [:]
        var help: [String: (type: String, text: String)] = [:]
    }

    static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
    private let state = Mutex(State())

    public init() {}

    /// Adds to a counter; `labels` is rendered as given, e.g. `method="GET",status="200"`.
    public func increment(_ name: String, labels: String = "", by value: Double = 1, help: String = "") {
        state.withLock { state in
            state.counters[name, default: [:]][labels, default: 0] += value
            if state.help[name] == nil { state.help[name] = ("counter", help) }
        }
    }

    /// Adds to a gauge (a negative `value` subtracts), e.g. requests in flight.
    public func adjust(_ name: String, labels: String = "", by value: Double, help: String = "") {
        state.withLock { state in
            state.counters[name, default: [:]][labels, default: 0] += value
            if state.help[name] == nil { state.help[name] = ("gauge", help) }
        }
    }

    public func observe(_ name: String, labels: String = "", seconds: Double, help: String = "") {
        state.withLock { state in
            state.histograms[name, default: [:]][labels, default: Histogram(buckets: Self.latencyBuckets)].observe(seconds)
            if state.help[name] == nil { state.help[name] = ("histogram", help) }
        }
    }

    /// The exposition text, families sorted by name so scrapes are stable.
    public func render() -> String {
        state.withLock { state in
            var out = ""
            for name in Set(state.counters.keys).union(state.histograms.keys).sorted() {
                if let help = state.help[name] {
                    if !help.text.isEmpty { out += "# HELP \(name) \(help.text)\n" }
                    out += "# TYPE \(name) \(help.type)\n"
                }
                for (labels, value) in (state.counters[name] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    out += "\(name)\(labels.isEmpty ? "" : "{\(labels)}") \(Self.format(value))\n"
                }
                for (labels, histogram) in (state.histograms[name] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    let prefix = labels.isEmpty ? "" : "\(labels),"
                    for (bound, count) in zip(histogram.buckets, histogram.counts) {
                        out += "\(name)_bucket{\(prefix)le=\"\(Self.format(bound))\"} \(count)\n"
                    }
                    out += "\(name)_bucket{\(prefix)le=\"+Inf\"} \(histogram.count)\n"
                    out += "\(name)_sum\(labels.isEmpty ? "" : "{\(labels)}") \(Self.format(histogram.sum))\n"
                    out += "\(name)_count\(labels.isEmpty ? "" : "{\(labels)}") \(histogram.count)\n"
                }
            }
            return out
        }
    }

    static func format(_ value: Double) -> String {
        value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}
