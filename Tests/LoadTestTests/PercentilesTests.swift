import Testing
@testable import LoadTest

@Suite struct PercentilesTests {
    static let oneToTwenty = (1...20).map(Double.init)

    struct Case: Sendable, CustomTestStringConvertible {
        var sample: [Double]
        var p: Double
        var expected: Double?
        var testDescription: String { "p\(p) of \(sample)" }
    }

    static let cases: [Case] = [
        Case(sample: [], p: 50.0, expected: nil),
        Case(sample: [7.0], p: 0, expected: 7),
        Case(sample: [7.0], p: 50, expected: 7),
        Case(sample: [7.0], p: 100, expected: 7),
        Case(sample: [3.0, 1, 2], p: 0, expected: 1),
        Case(sample: [3.0, 1, 2], p: 100, expected: 3),
        Case(sample: [3.0, 1, 2], p: 50, expected: 2),
        Case(sample: [3.0, 1, 2], p: 33.3, expected: 1),
        Case(sample: [3.0, 1, 2], p: 33.4, expected: 2),
        Case(sample: oneToTwenty, p: 5, expected: 1),
        Case(sample: oneToTwenty, p: 50, expected: 10),
        Case(sample: oneToTwenty, p: 90, expected: 18),
        Case(sample: oneToTwenty, p: 95, expected: 19),
        Case(sample: oneToTwenty, p: 99, expected: 20),
        Case(sample: oneToTwenty, p: 100, expected: 20),
        Case(sample: [15.0, 20, 35, 40, 50], p: 30, expected: 20),  // the textbook example of the method
        Case(sample: [15.0, 20, 35, 40, 50], p: 40, expected: 20),
        Case(sample: [15.0, 20, 35, 40, 50], p: 50, expected: 35),
        Case(sample: [15.0, 20, 35, 40, 50], p: 100, expected: 50),
        Case(sample: [5.0, 5, 5, 1], p: 25, expected: 1),
        Case(sample: [5.0, 5, 5, 1], p: 26, expected: 5),
        Case(sample: [2.0, 4], p: -10, expected: 2),
        Case(sample: [2.0, 4], p: 150, expected: 4),
    ]

    @Test(arguments: cases)
    func nearestRank(_ c: Case) {
        #expect(Percentiles(c.sample).value(at: c.p) == c.expected)
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
        #expect(percentiles.maximum == nil)
        #expect(percentiles.value(at: 0) == nil)
        #expect(percentiles.value(at: 100) == nil)
    }
}
