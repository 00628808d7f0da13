import Foundation

/// SplitMix64: a tiny seeded generator so every simulation run is reproducible.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in (0, 1): never 0, so logarithms stay finite.
    public mutating func unit() -> Double {
        (Double(next() >> 11) + 0.5) / Double(1 << 53)
    }

    public mutating func exponential(rate: Double) -> Double {
        -log(unit()) / rate
    }

    public mutating func standardNormal() -> Double {
        (-2 * log(unit())).squareRoot() * cos(2 * .pi * unit())
    }

    /// Log-normal with the given mean and standard deviation (job processing times are
    /// positive and right-skewed).
    public mutating func logNormal(mean: Double, stddev: Double) -> Double {
        guard stddev > 0 else { return mean }
        let sigma2 = log(1 + (stddev * stddev) / (mean * mean))
        let mu = log(mean) - sigma2 / 2
        return exp(mu + sigma2.squareRoot() * standardNormal())
    }
}
