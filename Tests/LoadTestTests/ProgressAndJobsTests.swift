import Foundation
import Synchronization
import TestSupport
import Testing

@testable import LoadTest

@Suite(.logsOnFailure) struct ProgressLineTests {
    static let snapshot = ProgressSnapshot(
        elapsed: 12, sent: 24, done: 20, inFlight: 4, skipped: 0, targetRatePerMinute: 60, recentThroughputPerMinute: 58.2,
        p50: 2.31, p95: 4.8, deadlineMisses: 1, errorsByKind: ["timeout": 1, "http_503": 2])

    @Test func rendersEveryField() {
        #expect(
            ProgressLine.render(Self.snapshot)
                == "  12.0s sent 24 done 20 in-flight 4 rate 60.0→58.2/min p50 2.31 s p95 4.80 s missed 1 errors 3 (http_503 2, timeout 1)")
    }

    @Test func beforeAnyCompletion() {
        let s = ProgressSnapshot(
            elapsed: 0.5, sent: 1, done: 0, inFlight: 1, skipped: 2, targetRatePerMinute: 60,
            recentThroughputPerMinute: 0, p50: nil, p95: nil, deadlineMisses: 0, errorsByKind: [:])
        #expect(ProgressLine.render(s) == " 0.500s sent 1 done 0 in-flight 1 skipped 2 rate 60.0→0.0/min p50 - p95 - missed 0 errors 0")
    }

    @Test(arguments: [true, false])
    func printerRewritesOnATerminalOnly(tty: Bool) {
        let output = Output()
        let printer = ProgressPrinter(rewritesInPlace: tty, write: { output.append($0) })
        printer.print(Self.snapshot)
        printer.print(Self.snapshot)
        printer.finish()
        let text = output.text
        let line = ProgressLine.render(Self.snapshot)
        if tty {
            #expect(text == "\r\(line)\u{1B}[K\r\(line)\u{1B}[K\n")
        } else {
            #expect(text == "\(line)\n\(line)\n")
        }
    }
}

final class Output: Sendable {
    private let buffer = Mutex("")
    func append(_ s: String) { buffer.withLock { $0 += s } }
    var text: String { buffer.withLock { $0 } }
}

@Suite(.logsOnFailure) struct JobFactoryTests {
    @Test func roundRobinCyclesThroughTheList() throws {
        var factory = try JobFactory(urls: ["a", "b", "c"], imagesPerJob: 2, width: 400, height: 300)
        #expect(factory.nextJob().map(\.input) == ["a", "b"])
        #expect(factory.nextJob().map(\.input) == ["c", "a"])
        let job = factory.nextJob()
        #expect(job.map(\.input) == ["b", "c"])
        #expect(job.allSatisfy { $0.width == 400 && $0.height == 300 && $0.format == "jpeg" })
    }

    @Test func randomIsSeededAndCoversTheList() throws {
        func picks(seed: UInt64) throws -> [String] {
            var factory = try JobFactory(urls: ["a", "b", "c", "d"], imagesPerJob: 3, width: 1, height: 1, selection: .random, seed: seed)
            return (0..<200).flatMap { _ in factory.nextJob().map(\.input) }
        }
        let first = try picks(seed: 11)
        #expect(first == (try picks(seed: 11)))
        #expect(first != (try picks(seed: 12)))
        #expect(Set(first) == ["a", "b", "c", "d"])
    }

    @Test(arguments: [
        ([String](), 1, 10, 10, "URL list is empty"),
        (["a"], 0, 10, 10, "images per job is 0"),
        (["a"], 1, 0, 10, "target size 0x10"),
    ])
    func rejectsUnusableSettings(urls: [String], images: Int, width: Int, height: Int, message: String) {
        #expect {
            try JobFactory(urls: urls, imagesPerJob: images, width: width, height: height)
        } throws: { error in
            (error as? LoadTestConfigurationError)?.description.contains(message) == true
        }
    }

    @Test func requestEncodesInTheAPIShape() throws {
        let data = try JSONEncoder().encode(ImageRequest(input: "http://x/a.jpg", width: 400, height: 300))
        let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        #expect(object["input"] as? String == "http://x/a.jpg")
        #expect(object["width"] as? Int == 400)
        #expect(object["height"] as? Int == 300)
        #expect(object["format"] as? String == "jpeg")
    }
}

@Suite(.timeLimit(.minutes(1)), .logsOnFailure) struct SamplerTests {
    final class Counter: Sendable {
        private let value = Mutex(0.0)
        func next() -> Double {
            value.withLock {
                $0 += 1
                return $0
            }
        }
    }

    @Test func recordsEveryProbeAndSkipsFailedReads() async {
        let counter = Counter()
        struct Unavailable: Error {}
        let sampler = Sampler(
            probes: [
                .init(name: "resize.IN", unit: "messages") { counter.next() },
                .init(name: "broken", unit: "workers") { throw Unavailable() },
            ], interval: .seconds(60))
        await sampler.sampleOnce()
        await sampler.sampleOnce()
        let series = await sampler.series
        #expect(series.map(\.name) == ["resize.IN", "broken"])
        #expect(series[0].points.map(\.value) == [1, 2])
        #expect(series[0].points[0].t <= series[0].points[1].t)
        #expect(series[1].points.isEmpty)
        #expect(series[1].unit == "workers")
    }

    @Test func startAndStopSampleAtLeastTwice() async throws {
        let counter = Counter()
        let sampler = Sampler(probes: [.init(name: "q", unit: "messages") { counter.next() }], interval: .seconds(60))
        await sampler.start()
        try await waitUntil("the first sample") { await !sampler.series[0].points.isEmpty }
        let series = await sampler.stop()
        // One at the start, one at the stop.
        #expect(series[0].points.count == 2)
    }
}
