import Foundation
import TestSupport
import Testing

@testable import LoadTest

@Suite(.logsOnFailure) struct ReportTests {
    static func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    @Test func latencyChartHasOneDotPerFinishedJobAndTheDeadline() {
        let svg = ReportCharts.latency(RecordedRun.record)
        // 9 jobs finished (7 completed, 2 failed); the skipped one has no latency.
        #expect(Self.count("<circle class=\"job ", in: svg) == 9)
        #expect(Self.count("<circle class=\"job met\"", in: svg) == 5)
        #expect(Self.count("<circle class=\"job missed\"", in: svg) == 2)
        #expect(Self.count("<circle class=\"job failed\"", in: svg) == 2)
        #expect(Self.count("<line class=\"deadline\"", in: svg) == 1)
        #expect(svg.contains(">deadline 10.0 s</text>"))
        #expect(svg.contains("Latency of each job against the 10.0 s deadline"))
        #expect(svg.contains(">submitted at (s)</text>"))
        #expect(svg.contains(">latency (s)</text>"))
        #expect(svg.contains("class=\"legend-label\"") && svg.contains(">missed</text>"))
        #expect(svg.contains("<title>job 2: 12.0 s, missed</title>"))
        #expect(svg.contains("<title>job 4: 1.00 s, failed (http_503)</title>"))
        #expect(svg.hasPrefix("<svg ") && svg.hasSuffix("</svg>"))
    }

    @Test func deadlineLineSitsAtTheDeadline() {
        let svg = ReportCharts.latency(RecordedRun.record)
        // The 30 s timeout is the highest latency: y axis 0...40 in ticks of 10, plot from y=56 to y=272.
        #expect(svg.contains(">40</text>"))
        let line = svg.components(separatedBy: "<line class=\"deadline\"")[1].prefix(while: { $0 != ">" })
        let expectedY = 272 - 10.0 / 40 * (272 - 56)
        #expect(expectedY == 218)
        #expect(line.contains("y1=\"218\""))
    }

    @Test func inFlightChartHasItsStepPath() {
        let svg = ReportCharts.inFlight(RecordedRun.record)
        #expect(Self.count("<path class=\"series in-flight\"", in: svg) == 1)
        #expect(svg.contains("data-series=\"jobs in flight\""))
        #expect(svg.contains(">Jobs in flight</text>"))
    }

    @Test func sampledSeriesGetOneChartPerUnit() {
        let charts = ReportCharts.sampled(RecordedRun.record)
        #expect(charts.count == 2)
        #expect(charts[0].contains("<path class=\"series sampled\" data-series=\"resize.IN\""))
        #expect(charts[0].contains("resize.IN (messages)"))
        #expect(charts[1].contains("data-series=\"resize workers\""))
        #expect(charts[1].contains(">workers</text>"))
        var none = RecordedRun.record
        none.series = []
        #expect(ReportCharts.sampled(none).isEmpty)
    }

    @Test func throughputChartHasABarPerBucket() {
        let svg = ReportCharts.throughput(RecordedRun.record)
        // Completions at 2 4 14 8 6 16 20 → buckets [0,10): 4, [10,20): 2, [20,30): 1; failures at 5 and 36.
        #expect(Self.count("<rect class=\"bar completed\"", in: svg) == 3)
        #expect(Self.count("<rect class=\"bar failed\"", in: svg) == 2)
        #expect(svg.contains("<title>0–10 s: 4 completed</title>"))
    }

    @Test func derivedSeries() {
        let inFlight = DerivedSeries.inFlight(RecordedRun.jobs)
        #expect(inFlight.points.first == TimeSeries.Point(t: 0, value: 0))
        #expect(inFlight.points.last?.value == 0)
        #expect(inFlight.points.map(\.value).max() == 4)
        let buckets = DerivedSeries.throughput(RecordedRun.jobs, bucketWidth: 10)
        #expect(buckets.map(\.completed) == [4, 2, 1, 0])
        #expect(buckets.map(\.failed) == [1, 0, 0, 1])
        #expect(DerivedSeries.throughput([], bucketWidth: 10).isEmpty)
    }

    @Test func htmlIsSelfContained() {
        let html = HTMLReport.render(RecordedRun.record, title: "Act 3 <overload>")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<title>Act 3 &lt;overload&gt;</title>"))
        #expect(Self.count("<svg ", in: html) == 5)
        #expect(!html.contains("<script"))
        #expect(!html.contains("src="))
        #expect(!html.contains("href="))
        #expect(!html.contains("@import"))
        #expect(html.contains("class=\"verdict broken\""))
        #expect(html.contains("The deadline did not hold"))
        #expect(html.contains("poisson:10"))
        #expect(html.contains("latency p95"))
    }

    @Test func emptyRunStillRenders() {
        let run = RunRecord(profile: "poisson:1", seed: 1, deadline: 30, startedAt: Date(), duration: 0, jobs: [])
        let html = HTMLReport.render(run)
        #expect(html.contains("no job finished"))
        #expect(!html.contains("nan") && !html.contains("inf"))
    }

    @Test(arguments: [
        (0.0, 36.0, [0.0, 10, 20, 30, 40]),
        (0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (0, 0, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (0, 250, [0, 50, 100, 150, 200, 250]),
        (0, 7, [0, 2, 4, 6, 8]),
    ])
    func niceAxes(low: Double, high: Double, ticks: [Double]) {
        let axis = ChartAxis.nice(from: low, to: high)
        #expect(axis.ticks.count == ticks.count)
        for (a, b) in zip(axis.ticks, ticks) { #expect(abs(a - b) < 1e-9) }
        #expect(axis.lower == ticks.first && abs(axis.upper - ticks.last!) < 1e-9)
    }

    @Test func axisLabelsHaveNoNeedlessDecimals() {
        #expect(ChartAxis.nice(from: 0, to: 36).label(20) == "20")
        #expect(ChartAxis.nice(from: 0, to: 1).label(0.4) == "0.4")
    }

    @Test func xmlEscaping() {
        #expect(xmlEscaped("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;")
    }
}
