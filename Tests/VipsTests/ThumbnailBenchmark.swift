import Foundation
import TestSupport
import Testing

@testable import Vips

/// Not a test: the Swift half of benchmarks/vips/run.sh, which prints the
/// figures beside raw libvips'. Runs only when that script sets the files.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["VIPS_BENCHMARK_FILES"] != nil), .logsOnFailure)
struct ThumbnailBenchmark {
    @Test func thumbnailsPerSecondOnOneThread() async throws {
        let environment = ProcessInfo.processInfo.environment
        let files = (environment["VIPS_BENCHMARK_FILES"] ?? "").split(separator: ":").map(String.init)
        let rounds = Int(environment["VIPS_BENCHMARK_ROUNDS"] ?? "") ?? 3
        let width = Int(environment["VIPS_BENCHMARK_WIDTH"] ?? "") ?? 300
        let photos = try files.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        try Vips.initialize(concurrency: 1)
        let thumbnailer = Thumbnailer()
        let (images, seconds) = try await runOnThread {
            for photo in photos { _ = try thumbnailer.thumbnail(photo, width: width, height: nil) } // warm-up
            let start = DispatchTime.now()
            var images = 0
            for _ in 0..<rounds {
                for photo in photos {
                    let thumbnail = try thumbnailer.thumbnail(photo, width: width, height: nil, format: .jpeg, quality: 80)
                    precondition(thumbnail.width == width)
                    images += 1
                }
            }
            return (images, Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9)
        }
        print("benchmark \(images) \(seconds)")
    }
}
