import Foundation

/// The one seeded random number generator: the same seed gives the same
/// sequence on every machine, so load profiles, simulations and fuzz runs
/// repeat exactly (the system generator cannot be seeded).
///
/// SplitMix64 (Steele, Lea, Flood 2014) passes BigCrush and is more than good
/// enough for arrival times and simulated durations; it is not for cryptography.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits, the full precision of a Double.
    public mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in (0, 1), never 0 nor 1: the midpoints of the 2^53 cells of
    /// `nextUnitInterval`, so `log` of it is always finite.
    public mutating func nextOpenUnitInterval() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1.0p-53
    }

    /// Exponentially distributed with the given rate (events per unit of time),
    /// by inversion; `1 - u` lies in (0, 1], so the logarithm is finite.
    public mutating func nextExponential(rate: Double) -> Double {
        -log(1 - nextUnitInterval()) / rate
    }

    /// Standard normal (mean 0, deviation 1), by Box-Muller.
    public mutating func nextStandardNormal() -> Double {
        (-2 * log(nextOpenUnitInterval())).squareRoot() * cos(2 * .pi * nextOpenUnitInterval())
    }

    /// Log-normal with the given mean and standard deviation (positive and
    /// right-skewed, like job processing times); `mean` itself when `stddev` is 0.
    public mutating func nextLogNormal(mean: Double, stddev: Double) -> Double {
        guard stddev > 0 else { return mean }
        let sigma2 = log(1 + (stddev * stddev) / (mean * mean))
        let mu = log(mean) - sigma2 / 2
        return exp(mu + sigma2.squareRoot() * nextStandardNormal())
    }
}
