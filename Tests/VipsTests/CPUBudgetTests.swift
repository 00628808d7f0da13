import Foundation
import TestSupport
import Testing

@testable import Vips

/// The CPU-time budget of one thumbnail stops the decode (reads fail) and the
/// resize (the evaluation is killed) once spent. Budgets here are a
/// thousandth of what the work takes, so no test depends on the machine's speed.
@Suite(.logsOnFailure) struct CPUBudgetTests {
    static func budgeted(_ seconds: Double) -> Thumbnailer {
        var thumbnailer = Thumbnailer()
        thumbnailer.cpuSecondsPerImage = seconds
        return thumbnailer
    }

    static func isBudgetError(_ error: any Error, seconds: Double) -> Bool {
        error as? VipsError == .cpuTimeExceeded(seconds: seconds)
    }

    /// A baseline JPEG decoded while it is read.
    @Test func aLongDecodeIsStopped() throws {
        let jpeg = try TestImages.texture(width: 4000, height: 3000, progressive: false)
        #expect { try Self.budgeted(0.000_1).thumbnail(jpeg, width: 3000, height: nil) } throws: { Self.isBudgetError($0, seconds: 0.000_1) }
        #expect(try Self.budgeted(30).thumbnail(jpeg, width: 3000, height: nil).width == 3000)
    }

    /// The pruned progressive path (1/8 scale from the DC scans) has the same budget.
    @Test func thePrunedProgressivePathIsBudgetedToo() throws {
        let jpeg = try TestImages.texture(width: 4000, height: 3000, progressive: true)
        #expect { try Self.budgeted(0.000_1).thumbnail(jpeg, width: 100, height: nil) } throws: { Self.isBudgetError($0, seconds: 0.000_1) }
        let thumbnail = try Self.budgeted(30).thumbnail(jpeg, width: 100, height: nil)
        #expect(thumbnail.fromPrunedScans && thumbnail.width == 100)
    }

    /// A tiny image read at once, then enlarged: the budget runs out while
    /// the pipeline is evaluated, after the last read.
    @Test func aLongResizeIsStopped() throws {
        let png = try TestImages.gradient(width: 16, height: 16, bands: 4, as: .png)
        var thumbnailer = Self.budgeted(0.01)
        thumbnailer.maxDimension = 4096
        #expect { try thumbnailer.thumbnail(png, width: 4096, height: 4096, fit: .fill) } throws: { Self.isBudgetError($0, seconds: 0.01) }
    }

    /// Budgets are per image: one spent does not fail the next.
    @Test func eachImageHasItsOwnBudget() throws {
        let jpeg = try TestImages.texture(width: 2000, height: 1500, progressive: false)
        let thumbnailer = Self.budgeted(30)
        for _ in 0..<3 { #expect(try thumbnailer.thumbnail(jpeg, width: 200, height: nil).width == 200) }
        #expect(throws: (any Error).self) { try Self.budgeted(0.000_1).thumbnail(jpeg, width: 1500, height: nil) }
        #expect(try thumbnailer.thumbnail(jpeg, width: 200, height: nil).width == 200)
    }
}
