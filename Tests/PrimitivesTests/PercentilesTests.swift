import TestSupport
import Testing

@testable import Primitives

@Suite(.logsOnFailure) struct PercentilesTests {
    static let oneToTwenty = (1...20).map(Double.init)

    struct Case: Sendable, CustomTestStringConvertible {
        var sample: [Double]
        var p: Double
        var expected: Double?
        var testDescription: String { "p\(p) of \(sample)" }
    }

    static let cases: [Case] = [
        Case(sample: [], p: 50, expected: nil),
        Case(sample: [], p: 0, expected: nil),
        // n = 1: every percentile is the one value.
        Case(sample: [7], p: 0, expected: 7),
        Case(sample: [7], p: 50, expected: 7),
        Case(sample: [7], p: 100, expected: 7),
        // n = 2: up to 50 % the smaller, above it the larger.
        Case(sample: [4, 2], p: 0, expected: 2),
        Case(sample: [4, 2], p: 50, expected: 2),
        Case(sample: [4, 2], p: 50.1, expected: 4),
        Case(sample: [4, 2], p: 95, expected: 4),
        Case(sample: [4, 2], p: 100, expected: 4),
        Case(sample: [3, 1, 2], p: 0, expected: 1),
        Case(sample: [3, 1, 2], p: 100, expected: 3),
        Case(sample: [3, 1, 2], p: 50, expected: 2),
        Case(sample: [3, 1, 2], p: 33.3, expected: 1),
        Case(sample: [3, 1, 2], p: 33.4, expected: 2),
        Case(sample: oneToTwenty, p: 5, expected: 1),
        Case(sample: oneToTwenty, p: 50, expected: 10),
        Case(sample: oneToTwenty, p: 90, expected: 18),
        Case(sample: oneToTwenty, p: 95, expected: 19),
        Case(sample: oneToTwenty, p: 99, expected: 20),
        Case(sample: oneToTwenty, p: 100, expected: 20),
        Case(sample: [15, 20, 35, 40, 50], p: 30, expected: 20), // the textbook example of the method
        Case(sample: [15, 20, 35, 40, 50], p: 40, expected: 20),
        Case(sample: [15, 20, 35, 40, 50], p: 50, expected: 35),
        Case(sample: [15, 20, 35, 40, 50], p: 100, expected: 50),
        // Ties: the value is shared, the rank is not.
        Case(sample: [5, 5, 5, 1], p: 25, expected: 1),
        Case(sample: [5, 5, 5, 1], p: 26, expected: 5),
        Case(sample: [5, 5, 5, 1], p: 100, expected: 5),
        Case(sample: [2, 2, 2, 2, 9], p: 80, expected: 2),
        Case(sample: [2, 2, 2, 2, 9], p: 81, expected: 9),
        // A whole-number percent of a whole count is an exact rank: 7 % of 100 is rank 7.
        Case(sample: (1...100).map(Double.init), p: 7, expected: 7),
        // Out of range and NaN.
        Case(sample: [2, 4], p: -10, expected: 2),
        Case(sample: [2, 4], p: 150, expected: 4),
        Case(sample: [2, 4], p: .nan, expected: nil),
        Case(sample: [.nan, 3, 1], p: 100, expected: 3),
    ]

    @Test(arguments: cases)
    func nearestRank(_ c: Case) {
        #expect(Percentiles(c.sample).value(at: c.p) == c.expected)
    }

    /// The definition read literally: the smallest observed value v such that at
    /// least p % of the sample is ≤ v, in integer arithmetic (count · 100 ≥ p · n).
    static func byDefinition(_ sample: [Double], percent p: Int) -> Double? {
        sample.sorted().first { v in sample.filter { $0 <= v }.count * 100 >= p * sample.count }
    }

    /// Every sample of 1 to 6 values drawn from {0, 1, 2} (so with every
    /// pattern of ties), at every whole percent: the function and the definition agree.
    @Test func agreesWithTheDefinitionOnEverySmallSample() {
        var samples: [[Double]] = [[]]
        var mismatches: [String] = []
        for _ in 1...6 {
            samples = samples.flatMap { sample in [0.0, 1, 2].map { sample + [$0] } }
            for sample in samples {
                let percentiles = Percentiles(sample)
                for p in 0...100 where percentiles.value(at: Double(p)) != Self.byDefinition(sample, percent: p) {
                    mismatches.append("p\(p) of \(sample)")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
    }

    @Test func hundredSamples() {
        let sample = (1...100).map(Double.init).shuffled()
        let percentiles = Percentiles(sample)
        for p in 1...100 {
            #expect(percentiles.value(at: Double(p)) == Double(p))
        }
        #expect(percentiles.mean == 50.5)
        #expect(percentiles.minimum == 1)
        #expect(percentiles.maximum == 100)
    }

    @Test func emptySampleHasNoFigures() {
        let percentiles = Percentiles([Double]())
        #expect(percentiles.mean == nil)
        #expect(percentiles.minimum == nil)
        #expect(percentiles.maximum == nil)
        #expect(percentiles.value(at: 0) == nil)
        #expect(percentiles.value(at: 100) == nil)
    }

    @Test(arguments: [
        (0.0, 10, 1), (10, 10, 1), (10.1, 10, 2), (50, 1, 1), (95, 20, 19), (99, 100, 99), (99.5, 100, 100), (100, 3, 3),
    ])
    func rank(_ p: Double, _ count: Int, _ expected: Int) {
        #expect(Percentiles.rank(percent: p, count: count) == expected)
    }
}
