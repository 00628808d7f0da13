import Foundation

/// A linear axis with "nice" tick values (1, 2 or 5 times a power of ten), so
/// that labels read 0, 20, 40 rather than 0, 17.3, 34.6.
public struct ChartAxis: Sendable, Hashable {
    public var lower: Double
    public var upper: Double
    public var ticks: [Double]

    /// An axis covering `low...high`, widened to whole ticks; about `targetTicks` ticks.
    public static func nice(from low: Double, to high: Double, targetTicks: Int = 6) -> ChartAxis {
        var low = low.isFinite ? low : 0
        var high = high.isFinite ? high : 1
        if high < low { swap(&low, &high) }
        if high - low < 1e-12 {
            // A flat series still needs some height to be drawn.
            high = low == 0 ? 1 : low + abs(low) * 0.5
            if low > 0 { low = 0 }
        }
        let step = niceStep((high - low) / Double(max(targetTicks - 1, 1)))
        let first = (low / step).rounded(.down) * step
        let last = (high / step).rounded(.up) * step
        var ticks: [Double] = []
        var value = first
        // Bounded: where the values dwarf the step (1e17 + 0.2 == 1e17), adding it changes nothing.
        while value <= last + step * 1e-9, ticks.count < 1000 {
            ticks.append(abs(value) < step * 1e-9 ? 0 : value)
            let next = value + step
            guard next > value else { break }
            value = next
        }
        return ChartAxis(lower: first, upper: last, ticks: ticks)
    }

    static func niceStep(_ raw: Double) -> Double {
        let exponent = (log10(raw)).rounded(.down)
        let base = pow(10, exponent)
        let fraction = raw / base
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * base
    }

    /// A tick label without needless decimals.
    public func label(_ value: Double) -> String {
        let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
        let decimals = max(0, Int((-log10(step)).rounded(.up)))
        return String(format: "%.\(decimals)f", value)
    }
}
