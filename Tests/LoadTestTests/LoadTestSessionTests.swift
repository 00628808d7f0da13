import Foundation
import TestSupport
import Testing

@testable import LoadTest

@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct LoadTestSessionTests {
    @Test func runsWithSamplerAndProgressAndWritesItsFiles() async throws {
        let configuration = LoadRunConfiguration(
            profile: .poisson(ratePerMinute: 6_000), bounds: RunBounds(count: 12), seed: 8,
            jobs: try JobFactory(urls: ["ok://a", "ok://b", "fail://c", "fail://d"], imagesPerJob: 2, width: 64, height: 64),
            deadline: 5, progressInterval: .milliseconds(10))
        let output = Output()
        let depth = SamplerTests.Counter()
        let session = LoadTestSession(
            configuration: configuration, client: ScriptedJobClient(),
            probes: [.init(name: "resize.IN", unit: "messages") { depth.next() }],
            sampleInterval: .milliseconds(10), printer: ProgressPrinter(rewritesInPlace: false, write: { output.append($0) }))
        let record = try await session.run()
        #expect(record.jobs.count == 12)
        #expect(record.profile == "poisson:6000")
        #expect(record.seed == 8)
        #expect(record.summary.completed == 6 && record.summary.failed == 6)
        #expect(record.series.count == 1 && record.series[0].points.count >= 2)
        #expect(record.jobs.allSatisfy { $0.images.count == 2 })
        let lines = output.text.split(separator: "\n")
        #expect(lines.last?.contains("sent 12 done 12 in-flight 0") == true)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("loadtest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let files = try RunArtifacts.write(record, to: directory, name: "act3", title: "Act 3")
        #expect(try RunRecord.read(from: files.json) == record)
        let html = try String(contentsOf: files.html, encoding: .utf8)
        #expect(html.contains("<title>Act 3</title>"))
        #expect(html.contains("data-series=\"resize.IN\""))
    }
}
