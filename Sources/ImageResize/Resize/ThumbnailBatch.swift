import Foundation
import Primitives
import Vips

/// Resizes images already in memory through a resize worker's own code path
/// (`ResizeProcessor.resizeBlocking`: header checks, progressive-JPEG pruning,
/// libvips, encoding) on `threads` dedicated threads, with no broker, download
/// or database: the most a worker's process can do on this machine, which
/// `benchmarks/imageresize` sets the whole stack against.
public struct ThumbnailBatch: Sendable {
    /// What one run did.
    public struct Report: Sendable, Equatable {
        public var images: Int
        public var failures: [String: Int]
        public var seconds: Double
        public var outputBytes: Int
    }

    public var processor: ResizeProcessor
    public var spec: ImageSpec

    public init(config: ServiceConfig, width: Int?, height: Int?, fit: Fit = .inside, format: OutputFormat = .jpeg, quality: Int = 80) throws {
        processor = try ResizeProcessor(config: config)
        spec = ImageSpec(url: "file:", width: width, height: height, fit: fit, format: format, quality: quality)
    }

    /// Resizes `count` images, cycling over `files`, at most `threads` at once.
    /// `output`, when given, receives each thumbnail (index, file index, bytes).
    public func run(
        files: [Data], count: Int, threads: Int, output: (@Sendable (Int, Int, Data) -> Void)? = nil
    ) async throws -> Report {
        guard !files.isEmpty, count > 0 else { return Report(images: 0, failures: [:], seconds: 0, outputBytes: 0) }
        let pool = BlockingPool(threads: max(1, threads), name: "thumbnail")
        defer { pool.shutdown() }
        let processor = processor
        let spec = spec
        let started = ContinuousClock.now
        var report = Report(images: 0, failures: [:], seconds: 0, outputBytes: 0)
        try await withThrowingTaskGroup(of: ResizeOutcome.self) { group in
            var next = 0
            func submit() {
                let index = next
                next += 1
                let body = files[index % files.count]
                let request = ResizeRequest(jobID: UUID(), imageID: UUID(), spec: spec, createdAt: Date())
                group.addTask {
                    let outcome = try await pool.run { processor.resizeBlocking(request, body, started: Date(), clock: Date.init) }
                    if let data = outcome.result?.data { output?(index, index % files.count, data) }
                    return outcome
                }
            }
            // Enough in flight to keep every thread busy, no more (the pool's queue is bounded).
            while next < min(count, max(1, threads) * 2) { submit() }
            for try await outcome in group {
                report.images += 1
                if let error = outcome.error { report.failures[error.code, default: 0] += 1 }
                report.outputBytes += outcome.result?.data.count ?? 0
                if next < count { submit() }
            }
        }
        let elapsed = ContinuousClock.now - started
        report.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return report
    }
}
