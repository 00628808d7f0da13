import Foundation
import Synchronization
import TestSupport
import Testing

@testable import LoadTest

@Suite(.timeLimit(.minutes(2)), .logsOnFailure) struct LoadRunnerTests {
    static func configuration(
        _ profile: ArrivalProfile, bounds: RunBounds, urls: [String] = ["ok://a"], maxInFlight: Int = 500, seed: UInt64 = 3
    ) throws -> LoadRunConfiguration {
        LoadRunConfiguration(
            profile: profile, bounds: bounds, seed: seed,
            jobs: try JobFactory(urls: urls, imagesPerJob: 1, width: 100, height: 100),
            deadline: 30, maxInFlight: maxInFlight, progressInterval: .milliseconds(20))
    }

    @Test func stopsAtTheCountWithEveryJobRecorded() async throws {
        let client = ScriptedJobClient()
        let configuration = try Self.configuration(.poisson(ratePerMinute: 30_000), bounds: RunBounds(count: 25))
        let runner = try LoadRunner(configuration: configuration, client: client)
        let result = await runner.run()
        #expect(result.records.map(\.index) == Array(0..<25))
        #expect(result.records.allSatisfy { $0.status == .completed && $0.latency != nil && $0.jobID != nil })
        #expect(client.submitted.count == 25)
        // The run used the profile's seeded arrival times.
        let expected = Array(ArrivalTimes(profile: configuration.profile, bounds: configuration.bounds, seed: 3))
        #expect(result.records.map(\.scheduledAt) == expected)
        #expect(result.records.allSatisfy { $0.submittedAt >= $0.scheduledAt })
        let snapshot = await runner.snapshot()
        #expect(snapshot.sent == 25 && snapshot.done == 25 && snapshot.inFlight == 0)
    }

    @Test func stopsAtTheDuration() async throws {
        let client = ScriptedJobClient()
        let configuration = try Self.configuration(.poisson(ratePerMinute: 3_000), bounds: RunBounds(duration: 0.5))
        let result = await (try LoadRunner(configuration: configuration, client: client)).run()
        let expected = Array(ArrivalTimes(profile: configuration.profile, bounds: configuration.bounds, seed: 3))
        #expect(expected.count > 5)
        #expect(result.records.count == expected.count)
        #expect(result.records.allSatisfy { $0.scheduledAt < 0.5 })
    }

    @Test func stopsAtTheEndOfAStepsProfile() async throws {
        let client = ScriptedJobClient()
        let profile = try ArrivalProfile(spec: "steps:3000@0.2,6000@0.2")
        let configuration = try Self.configuration(profile, bounds: RunBounds())
        let result = await (try LoadRunner(configuration: configuration, client: client)).run()
        #expect(result.records.count == Array(ArrivalTimes(profile: profile, bounds: RunBounds(), seed: 3)).count)
        #expect(result.records.allSatisfy { $0.scheduledAt < 0.4 })
    }

    @Test func countsErrorsByKind() async throws {
        let client = ScriptedJobClient()
        let urls = ["ok://", "fail://", "http503://", "timeout://", "refused://"]
        let configuration = try Self.configuration(.poisson(ratePerMinute: 30_000), bounds: RunBounds(count: 20), urls: urls)
        let result = await (try LoadRunner(configuration: configuration, client: client)).run()
        let summary = result.summary(deadline: 30)
        #expect(summary.completed == 4)
        #expect(summary.failed == 16)
        #expect(summary.errorsByKind == ["job_failed": 4, "http_503": 4, "timeout": 4, "connection": 4])
        // Round-robin: job i used URL i mod 5.
        for record in result.records {
            let kind = record.errorKind?.description
            switch record.index % 5 {
            case 0: #expect(kind == nil && record.status == .completed)
            case 1: #expect(kind == "job_failed" && record.errorMessage == "decode error")
            case 2: #expect(kind == "http_503" && record.jobID == nil)
            case 3: #expect(kind == "timeout")
            default: #expect(kind == "connection")
            }
        }
    }

    @Test func holdsTheInFlightCapAndSkipsTheRest() async throws {
        let client = GatedJobClient()
        let configuration = try Self.configuration(.poisson(ratePerMinute: 60_000), bounds: RunBounds(count: 20), maxInFlight: 5)
        let runner = try LoadRunner(configuration: configuration, client: client)
        let run = Task { await runner.run() }
        try await waitUntil("15 arrivals skipped") { await runner.snapshot().skipped >= 15 }
        let full = await runner.snapshot()
        #expect(full.inFlight == 5 && full.sent == 5)
        await client.release()
        let result = await run.value
        #expect(result.peakInFlight == 5)
        #expect(result.records.count == 20)
        #expect(result.records.filter { $0.status == .completed }.map(\.index) == Array(0..<5))
        #expect(result.records.filter { $0.status == .skipped }.allSatisfy { $0.errorKind == .inFlightCap && $0.completedAt == nil })
        let summary = result.summary(deadline: 30)
        #expect(summary.skipped == 15 && summary.submitted == 5)
    }

    @Test func reportsProgressWhileRunning() async throws {
        let client = GatedJobClient()
        let configuration = try Self.configuration(.poisson(ratePerMinute: 6_000), bounds: RunBounds(count: 2))
        let snapshots = Snapshots()
        let runner = try LoadRunner(configuration: configuration, client: client)
        let run = Task { await runner.run { snapshots.append($0) } }
        // While both jobs are held, the ticker keeps reporting them in flight.
        try await waitUntil("three reports of both jobs in flight") { snapshots.all.filter { $0.sent == 2 }.count >= 3 }
        let held = snapshots.all
        await client.release()
        let result = await run.value
        let all = snapshots.all
        #expect(held.filter { $0.sent == 2 }.allSatisfy { $0.inFlight == 2 && $0.done == 0 })
        #expect(all.last?.done == 2 && all.last?.inFlight == 0)
        #expect(result.records.count == 2)
        #expect(all.map(\.elapsed) == all.map(\.elapsed).sorted())
    }

    @Test func cancellingStopsTheArrivals() async throws {
        let client = GatedJobClient()
        let configuration = try Self.configuration(.poisson(ratePerMinute: 600), bounds: RunBounds(count: 1_000))
        let runner = try LoadRunner(configuration: configuration, client: client)
        let run = Task { await runner.run() }
        try await waitUntil("two jobs sent") { await runner.snapshot().sent >= 2 }
        run.cancel()
        await client.release()
        let result = await run.value
        #expect(result.records.count < 1_000)
    }

    @Test(arguments: [
        (RunBounds(), "never ends by itself"),
        (RunBounds(count: -1), "job count is -1"),
        (RunBounds(duration: 0), "duration is 0.0 s"),
    ])
    func rejectsRunsThatCannotEnd(bounds: RunBounds, message: String) throws {
        let configuration = try Self.configuration(.poisson(ratePerMinute: 60), bounds: bounds)
        #expect {
            try LoadRunner(configuration: configuration, client: ScriptedJobClient())
        } throws: { error in
            (error as? LoadTestConfigurationError)?.description.contains(message) == true
        }
    }

    @Test func rejectsAZeroInFlightCap() throws {
        let configuration = try Self.configuration(.poisson(ratePerMinute: 60), bounds: RunBounds(count: 1), maxInFlight: 0)
        #expect(throws: LoadTestConfigurationError.self) { try LoadRunner(configuration: configuration, client: ScriptedJobClient()) }
    }
}

final class Snapshots: Sendable {
    private let items = Mutex<[ProgressSnapshot]>([])
    func append(_ s: ProgressSnapshot) { items.withLock { $0.append(s) } }
    var all: [ProgressSnapshot] { items.withLock { $0 } }
}
