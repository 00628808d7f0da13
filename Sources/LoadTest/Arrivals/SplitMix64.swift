import Foundation

/// A tiny seeded random number generator, so that a load profile with the same
/// seed produces the same arrival times and image picks on every machine
/// (the system generator cannot be seeded, which makes runs unrepeatable).
///
/// SplitMix64 (Steele, Lea, Flood 2014) passes BigCrush and is more than good
/// enough for arrival times; it is not for cryptography.
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

    /// A uniform double in [0, 1) with 53 random bits, the full precision of a Double.
    public mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// An exponentially distributed value with the given rate (events per unit of
    /// time), by inversion; `1 - u` lies in (0, 1], so the logarithm is finite.
    public mutating func nextExponential(rate: Double) -> Double {
        -log(1 - nextUnitInterval()) / rate
    }
}
