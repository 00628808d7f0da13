import Foundation
import TestSupport
import Testing

@testable import LoadTest

@Suite(.logsOnFailure) struct ArrivalTimesTests {
    /// Inter-arrival times of a Poisson process are exponential: mean 1/λ and
    /// coefficient of variation 1. Tolerances are 5 standard errors for the
    /// sample size (SE of the mean σ/√n, of the CV about √(2/n) for an exponential).
    @Test(arguments: [(60.0, UInt64(1)), (600.0, UInt64(42)), (7.5, UInt64(2026))])
    func poissonInterArrivalsAreExponential(ratePerMinute: Double, seed: UInt64) {
        let n = 100_000
        let times = Array(ArrivalTimes(profile: .poisson(ratePerMinute: ratePerMinute), bounds: RunBounds(count: n), seed: seed))
        #expect(times.count == n)
        let gaps = zip(times, [0] + times.dropLast()).map { $0 - $1 }
        let mean = gaps.reduce(0, +) / Double(n)
        let variance = gaps.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1)
        let cv = variance.squareRoot() / mean
        let expectedMean = 60 / ratePerMinute
        #expect(abs(mean - expectedMean) < 5 * expectedMean / Double(n).squareRoot())
        #expect(abs(cv - 1) < 5 * (2 / Double(n)).squareRoot())
        #expect(gaps.allSatisfy { $0 > 0 })
    }

    @Test func sameSeedSameTimesOtherSeedOtherTimes() {
        let profile = ArrivalProfile.ramp(fromPerMinute: 10, toPerMinute: 120, seconds: 300)
        let a = Array(ArrivalTimes(profile: profile, bounds: RunBounds(), seed: 7))
        let b = Array(ArrivalTimes(profile: profile, bounds: RunBounds(), seed: 7))
        let c = Array(ArrivalTimes(profile: profile, bounds: RunBounds(), seed: 8))
        #expect(a == b)
        #expect(a != c)
        #expect(!a.isEmpty)
        #expect(a == a.sorted())
    }

    /// Counts per window, summed over many seeds, against the integral of the
    /// rate; tolerance 5 √expected (Poisson counts).
    static func countsPerWindow(_ profile: ArrivalProfile, windows: [(Double, Double)], seeds: Int, bounds: RunBounds) -> [(
        observed: Int, expected: Double
    )] {
        var observed = Array(repeating: 0, count: windows.count)
        for seed in 0..<seeds {
            for t in ArrivalTimes(profile: profile, bounds: bounds, seed: UInt64(seed)) {
                if let w = windows.firstIndex(where: { t >= $0.0 && t < $0.1 }) { observed[w] += 1 }
            }
        }
        return zip(observed, windows).map { ($0, profile.expectedArrivals(from: $1.0, to: $1.1) * Double(seeds)) }
    }

    @Test func rampCountsFollowTheRamp() {
        let profile = ArrivalProfile.ramp(fromPerMinute: 10, toPerMinute: 120, seconds: 300)
        let windows = stride(from: 0.0, to: 300, by: 60).map { ($0, $0 + 60) }
        let counts = Self.countsPerWindow(profile, windows: windows, seeds: 200, bounds: RunBounds())
        for (observed, expected) in counts {
            #expect(abs(Double(observed) - expected) < 5 * expected.squareRoot(), "observed \(observed), expected \(expected)")
        }
        // The ramp rises: each window has more arrivals than the one before.
        #expect(counts.map(\.observed) == counts.map(\.observed).sorted())
        #expect(ArrivalTimes(profile: profile, bounds: RunBounds(), seed: 3).allSatisfy { $0 < 300 })
    }

    @Test func spikeCountsRiseOnlyDuringTheBurst() {
        let profile = ArrivalProfile.spike(basePerMinute: 20, burstPerMinute: 200, atSecond: 60, seconds: 30)
        let windows = [(0.0, 60.0), (60.0, 90.0), (90.0, 150.0)]
        let counts = Self.countsPerWindow(profile, windows: windows, seeds: 200, bounds: RunBounds(duration: 150))
        let expectedTotals: [Double] = [4_000, 20_000, 4_000]
        for (count, total) in zip(counts, expectedTotals) {
            #expect(abs(count.expected - total) < 1e-6)
        }
        for (observed, expected) in counts {
            #expect(abs(Double(observed) - expected) < 5 * expected.squareRoot(), "observed \(observed), expected \(expected)")
        }
    }

    @Test func stepsCountsPerStepAndEndAfterTheLast() {
        let profile = ArrivalProfile.steps([
            .init(ratePerMinute: 30, seconds: 60), .init(ratePerMinute: 0, seconds: 30), .init(ratePerMinute: 120, seconds: 60),
        ])
        let counts = Self.countsPerWindow(profile, windows: [(0, 60), (60, 90), (90, 150)], seeds: 200, bounds: RunBounds())
        #expect(counts[0].expected == 30 * 200)
        #expect(counts[1].observed == 0)
        #expect(abs(Double(counts[2].observed) - counts[2].expected) < 5 * counts[2].expected.squareRoot())
        #expect(abs(Double(counts[0].observed) - counts[0].expected) < 5 * counts[0].expected.squareRoot())
        #expect(ArrivalTimes(profile: profile, bounds: RunBounds(), seed: 1).allSatisfy { $0 < 150 })
    }

    @Test(arguments: [
        (RunBounds(count: 10), 10),
        (RunBounds(count: 0), 0),
        (RunBounds(count: 1_000, duration: 5), -1),
        (RunBounds(count: 3, duration: 5_000), 3),
    ])
    func boundsStopTheArrivals(bounds: RunBounds, expectedCount: Int) {
        let times = Array(ArrivalTimes(profile: .poisson(ratePerMinute: 600), bounds: bounds, seed: 9))
        if expectedCount >= 0 {
            #expect(times.count == expectedCount)
        } else {
            // Bounded by duration: every arrival before it, and about 10/s of them.
            #expect(times.allSatisfy { $0 < 5 })
            #expect(times.count > 20 && times.count < 100)
        }
    }

    @Test func spikeWithZeroBaseEndsAfterTheBurstWithoutABound() {
        let profile = ArrivalProfile.spike(basePerMinute: 0, burstPerMinute: 600, atSecond: 10, seconds: 5)
        let times = Array(ArrivalTimes(profile: profile, bounds: RunBounds(), seed: 4))
        #expect(!times.isEmpty)
        #expect(times.allSatisfy { $0 >= 10 && $0 < 15 })
    }

    @Test(arguments: [
        (ArrivalProfile.poisson(ratePerMinute: 60), 0.0, 60.0, 60.0),
        (.steps([.init(ratePerMinute: 30, seconds: 60), .init(ratePerMinute: 60, seconds: 120)]), 0, 180, 150),
        (.steps([.init(ratePerMinute: 30, seconds: 60), .init(ratePerMinute: 60, seconds: 120)]), 0, 1_000, 150),
        (.ramp(fromPerMinute: 0, toPerMinute: 120, seconds: 60), 0, 60, 60),
        (.ramp(fromPerMinute: 0, toPerMinute: 120, seconds: 60), 0, 30, 15),
        (.spike(basePerMinute: 60, burstPerMinute: 600, atSecond: 60, seconds: 30), 0, 120, 390),
    ])
    func expectedArrivalsIntegratesTheRate(profile: ArrivalProfile, from: Double, to: Double, expected: Double) {
        #expect(abs(profile.expectedArrivals(from: from, to: to) - expected) < 1e-6)
    }

    @Test(arguments: [
        (ArrivalProfile.ramp(fromPerMinute: 10, toPerMinute: 110, seconds: 100), 50.0, 60.0),
        (.ramp(fromPerMinute: 10, toPerMinute: 110, seconds: 100), 100, 0),
        (.spike(basePerMinute: 20, burstPerMinute: 200, atSecond: 60, seconds: 30), 59.9, 20),
        (.spike(basePerMinute: 20, burstPerMinute: 200, atSecond: 60, seconds: 30), 60, 200),
        (.spike(basePerMinute: 20, burstPerMinute: 200, atSecond: 60, seconds: 30), 90, 20),
        (.steps([.init(ratePerMinute: 30, seconds: 60), .init(ratePerMinute: 60, seconds: 120)]), 60, 60),
        (.poisson(ratePerMinute: 60), -1, 0),
    ])
    func rateAtTime(profile: ArrivalProfile, t: Double, expected: Double) {
        #expect(abs(profile.ratePerMinute(at: t) - expected) < 1e-9)
    }
}
