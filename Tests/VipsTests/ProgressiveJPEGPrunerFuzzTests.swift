import Foundation
import TestSupport
import Testing

@testable import Vips

/// The pruner reads untrusted bytes through raw pointers: thousands of seeded
/// mutations of real progressive JPEGs must never crash it, and whatever it
/// returns must be a marker stream it would not prune again.
@Suite(.logsOnFailure) struct ProgressiveJPEGPrunerFuzzTests {
    /// A 64-bit linear congruential generator: seeded, reproducible.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state ^ (state >> 29)
        }
    }

    static func mutate(_ bytes: [UInt8], _ random: inout Seeded) -> [UInt8] {
        var out = bytes
        switch Int.random(in: 0..<5, using: &random) {
        case 0: // overwrite a few bytes, biased towards the marker-dense start
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let limit = Bool.random(using: &random) ? min(out.count, 700) : out.count
                out[Int.random(in: 0..<limit, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
        case 1: // truncate
            out.removeLast(Int.random(in: 1..<out.count, using: &random))
        case 2: // duplicate a range somewhere else
            let start = Int.random(in: 0..<out.count, using: &random)
            let end = min(out.count, start + Int.random(in: 1...64, using: &random))
            out.insert(contentsOf: out[start..<end], at: Int.random(in: 0...out.count, using: &random))
        case 3: // a marker byte where it does not belong
            out.insert(0xFF, at: Int.random(in: 0...out.count, using: &random))
        default: // a segment length off by a little
            if let index = (2..<out.count - 3).randomElement(using: &random) {
                out[index] = out[index] &+ UInt8.random(in: 1...3, using: &random)
            }
        }
        return out
    }

    @Test(arguments: [TestImages.Subsampling.on, .off])
    func mutatedProgressiveJPEGs(subsampling: TestImages.Subsampling) throws {
        let source = [UInt8](try TestImages.texture(width: 320, height: 200, subsampling: subsampling))
        #expect(source.withUnsafeBytes { ProgressiveJPEGPruner.prunedForEighthScale($0) } != nil)
        var random = Seeded(state: subsampling == .on ? 1 : 2)
        var pruned = 0
        for iteration in 0..<3000 {
            let mutant = Self.mutate(source, &random)
            guard let output = mutant.withUnsafeBytes({ ProgressiveJPEGPruner.prunedForEighthScale($0) }) else { continue }
            pruned += 1
            #expect(output.starts(with: [0xFF, 0xD8]) && output.suffix(2).elementsEqual([0xFF, 0xD9]), "mutation \(iteration)")
            #expect(output.count < mutant.count, "mutation \(iteration)")
            #expect(output.withUnsafeBytes { ProgressiveJPEGPruner.prunedForEighthScale($0) } == nil, "mutation \(iteration): pruned twice")
            if iteration % 25 == 0 {
                // libvips gets the pruned stream: it may refuse it, never crash.
                _ = try? Thumbnailer().thumbnail(Data(mutant), width: 20, height: nil)
            }
        }
        // Most mutations break the stream; enough must survive to test the output path.
        #expect(pruned > 50)
    }
}
