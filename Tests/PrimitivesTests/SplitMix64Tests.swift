import Foundation
import Primitives
import TestSupport
import Testing

@Suite("SplitMix64", .logsOnFailure)
struct SplitMix64Tests {
    /// Reference values of the published C code, and the sequences the two
    /// generators this one replaced (guv's simulator, the load test) produced:
    /// seeded runs and the figures made with them must not change.
    static let sequences: [(seed: UInt64, expected: [UInt64])] = [
        (1_234_567, [6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423]),
        (42, [13_679_457_532_755_275_413, 2_949_826_092_126_892_291, 5_139_283_748_462_763_858]),
    ]

    @Test(arguments: sequences)
    func rawSequence(seed: UInt64, expected: [UInt64]) {
        var random = SplitMix64(seed: seed)
        #expect((0..<expected.count).map { _ in random.next() } == expected)
    }

    enum Draw: String, CaseIterable, Sendable {
        case unitInterval, openUnitInterval, exponential, guvExponential, standardNormal, logNormal
    }

    /// Bit patterns of the first three draws with seed 7, as the replaced generators made them.
    static let draws: [(Draw, [UInt64])] = [
        (.unitInterval, [4_600_694_168_356_277_378, 4_580_496_117_855_220_096, 4_606_288_550_476_338_725]),
        (.openUnitInterval, [4_600_694_168_356_277_379, 4_580_496_117_855_220_112, 4_606_288_550_476_338_726]),
        (.exponential, [4_598_067_444_078_383_762, 4_576_033_597_048_487_187, 4_607_880_974_341_319_302]),
        (.guvExponential, [4_602_156_808_540_934_563, 4_611_784_054_348_734_440, 4_587_691_968_896_811_338]),
        (.standardNormal, [4_608_826_197_974_838_882, 13_824_186_797_681_467_973, 4_571_836_469_702_389_175]),
        (.logNormal, [4_598_277_232_326_937_459, 4_592_680_614_074_157_218, 4_594_012_073_413_573_021]),
    ]

    @Test(arguments: draws)
    func derivedDraws(_ draw: Draw, expected: [UInt64]) {
        var random = SplitMix64(seed: 7)
        let values: [Double] = (0..<3).map { _ in
            switch draw {
            case .unitInterval: random.nextUnitInterval()
            case .openUnitInterval: random.nextOpenUnitInterval()
            case .exponential: random.nextExponential(rate: 2)
            // guv's arrival traces: -log(u) with u in (0, 1).
            case .guvExponential: -log(random.nextOpenUnitInterval()) / 2
            case .standardNormal: random.nextStandardNormal()
            case .logNormal: random.nextLogNormal(mean: 0.15, stddev: 0.075)
            }
        }
        #expect(values.map(\.bitPattern) == expected)
    }

    @Test func unitIntervalsStayInTheirBounds() {
        var random = SplitMix64(seed: 99)
        for _ in 0..<10_000 {
            let halfOpen = random.nextUnitInterval()
            #expect(halfOpen >= 0 && halfOpen < 1)
            let open = random.nextOpenUnitInterval()
            #expect(open > 0 && open < 1)
        }
    }

    @Test func logNormalWithoutSpreadIsTheMean() {
        var random = SplitMix64(seed: 1)
        #expect(random.nextLogNormal(mean: 0.15, stddev: 0) == 0.15)
    }

    @Test func worksAsTheStandardLibrarysGenerator() {
        var a = SplitMix64(seed: 5)
        var b = SplitMix64(seed: 5)
        #expect((0..<20).map { _ in Int.random(in: 0..<1000, using: &a) } == (0..<20).map { _ in Int.random(in: 0..<1000, using: &b) })
    }
}
