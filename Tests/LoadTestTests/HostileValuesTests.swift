import Foundation
import TestSupport
import Testing

@testable import LoadTest

/// Values a run record read from a file, or a command line, may carry:
/// huge, infinite or not numbers at all. Reports and configurations refuse
/// or clamp them; nothing traps (issue 11 item 1).
@Suite(.logsOnFailure) struct HostileValuesTests {
    static func record(_ completedAt: Double?, _ status: LoadJobStatus = .completed) -> LoadJobRecord {
        LoadJobRecord(index: 0, scheduledAt: 0, submittedAt: 0, completedAt: completedAt, status: status, images: [])
    }

    @Test(arguments: [1e300, .infinity, -.infinity, .nan, -5, Double(Int.max)])
    func throughputOfAnyCompletionTime(_ completedAt: Double) {
        let buckets = DerivedSeries.throughput([Self.record(3), Self.record(completedAt), Self.record(completedAt, .failed)])
        #expect(!buckets.isEmpty && buckets.count <= DerivedSeries.maxBuckets)
        #expect(buckets.reduce(0) { $0 + $1.completed + $1.failed } == (completedAt.isFinite ? 3 : 1))
    }

    @Test(arguments: [(1e17, 1e17 + 1), (0, 1e308), (-1e308, 1e308), (.nan, .infinity), (5e-324, 1e-323)] as [(Double, Double)])
    func axesOfAnyRangeEnd(_ low: Double, _ high: Double) {
        let axis = ChartAxis.nice(from: low, to: high)
        #expect(axis.ticks.count <= 1000)
        for tick in axis.ticks { _ = axis.label(tick) }
    }

    @Test(arguments: [1e300, .infinity, -.infinity, .nan, Double(Int.max)])
    func chartsOfAnyCoordinate(_ value: Double) {
        var chart = SVGChart(id: "c", title: "t", xLabel: "x", yLabel: "y", xAxis: .nice(from: 0, to: 10), yAxis: .nice(from: 0, to: 10))
        chart.circle(x: value, y: value, color: "red", cssClass: "dot")
        chart.horizontalLine(y: value, color: "red", cssClass: "line", label: "l")
        #expect(chart.render().hasSuffix("</svg>"))
    }

    @Test(arguments: [1e300, .infinity, .nan, -1, 0, 30 * 86_400 + 1])
    func deadlinesOutOfRangeAreRefused(_ deadline: Double) throws {
        let jobs = try JobFactory(urls: ["http://img.example/a.jpg"], imagesPerJob: 1, width: 10, height: 10)
        let configuration = LoadRunConfiguration(
            profile: try ArrivalProfile(spec: "poisson:60"), bounds: RunBounds(count: 1),
            jobs: jobs, deadline: deadline)
        #expect(throws: LoadTestConfigurationError.self) { try configuration.validate() }
        let long = LoadRunConfiguration(
            profile: try ArrivalProfile(spec: "poisson:60"), bounds: RunBounds(count: 1, duration: 1e300),
            jobs: jobs)
        #expect(throws: LoadTestConfigurationError.self) { try long.validate() }
    }
}
