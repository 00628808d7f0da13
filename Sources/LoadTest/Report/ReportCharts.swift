/// The four charts of a run report, each an SVG string.
public enum ReportCharts {
    static let met = "#2e7d32", missed = "#ef6c00", failed = "#c62828", deadlineColor = "#6a1b9a"
    static let palette = ["#1565c0", "#00838f", "#ad1457", "#5d4037", "#558b2f", "#f9a825", "#4527a0"]

    /// The time axis shared by all charts, so they line up when stacked.
    static func timeAxis(_ run: RunRecord) -> ChartAxis {
        let lastJob = run.jobs.map { $0.completedAt ?? $0.submittedAt }.max() ?? 0
        let lastSample = run.series.flatMap(\.points).map(\.t).max() ?? 0
        return ChartAxis.nice(from: 0, to: max(run.duration, lastJob, lastSample, 1))
    }

    /// (a) One dot per finished job at (submit time, latency): green if it met
    /// the deadline, orange if late, red if it failed (at its time to error);
    /// the deadline as a dashed line.
    public static func latency(_ run: RunRecord) -> String {
        let finished = run.jobs.filter { $0.status != .skipped && $0.latency != nil }
        let highest = finished.compactMap(\.latency).max() ?? 0
        var chart = SVGChart(
            id: "latency", title: "Latency of each job against the \(Format.seconds(run.deadline)) deadline",
            xLabel: "submitted at (s)", yLabel: "latency (s)",
            xAxis: timeAxis(run), yAxis: ChartAxis.nice(from: 0, to: max(highest, run.deadline) * 1.05))
        for job in finished {
            let latency = job.latency!
            let (color, kind): (String, String) =
                job.status == .failed ? (failed, "failed") : latency > run.deadline ? (missed, "missed") : (met, "met")
            let what = job.status == .failed ? "failed (\(job.errorKind?.description ?? "error"))" : kind
            chart.circle(
                x: job.submittedAt, y: latency, color: color, cssClass: "job \(kind)",
                tooltip: "job \(job.index): \(Format.seconds(latency)), \(what)")
        }
        chart.horizontalLine(y: run.deadline, color: deadlineColor, cssClass: "deadline", label: "deadline \(Format.seconds(run.deadline))")
        if finished.isEmpty { chart.note("no job finished") }
        chart.addLegend("met", color: met, shape: .dot)
        chart.addLegend("missed", color: missed, shape: .dot)
        chart.addLegend("failed", color: failed, shape: .dot)
        chart.addLegend("deadline", color: deadlineColor, shape: .dashedLine)
        return chart.render()
    }

    /// (b) Jobs submitted and not yet finished, over time.
    public static func inFlight(_ run: RunRecord) -> String {
        let series = DerivedSeries.inFlight(run.jobs)
        let highest = series.points.map(\.value).max() ?? 0
        var chart = SVGChart(
            id: "in-flight", title: "Jobs in flight", xLabel: "time (s)", yLabel: "jobs",
            xAxis: timeAxis(run), yAxis: ChartAxis.nice(from: 0, to: max(highest, 1)))
        chart.path(series.points, color: palette[0], cssClass: "series in-flight", name: series.name, step: true)
        chart.addLegend(series.name, color: palette[0], shape: .line)
        return chart.render()
    }

    /// (c) The caller's series (queue depth, workers...), one chart per unit so
    /// that each has an honest axis.
    public static func sampled(_ run: RunRecord) -> [String] {
        var units: [String] = []
        for series in run.series where !units.contains(series.unit) { units.append(series.unit) }
        var colorIndex = 0
        return units.enumerated().map { chartIndex, unit in
            let group = run.series.filter { $0.unit == unit }
            let highest = group.flatMap(\.points).map(\.value).max() ?? 0
            var chart = SVGChart(
                id: "series-\(chartIndex)", title: group.map(\.name).joined(separator: ", ") + " (\(unit))",
                xLabel: "time (s)", yLabel: unit, xAxis: timeAxis(run), yAxis: ChartAxis.nice(from: 0, to: max(highest, 1)))
            for series in group {
                let color = palette[colorIndex % palette.count]
                colorIndex += 1
                chart.path(series.points, color: color, cssClass: "series sampled", name: series.name, step: true)
                chart.addLegend(series.name, color: color, shape: .line)
            }
            if group.allSatisfy({ $0.points.isEmpty }) { chart.note("no samples recorded") }
            return chart.render()
        }
    }

    /// (d) Jobs finished per bucket of `bucketWidth` seconds, failures stacked on top.
    public static func throughput(_ run: RunRecord, bucketWidth: Double = 10) -> String {
        let buckets = DerivedSeries.throughput(run.jobs, bucketWidth: bucketWidth)
        let highest = buckets.map { $0.completed + $0.failed }.max() ?? 0
        var chart = SVGChart(
            id: "throughput", title: "Jobs finished per \(bucketWidth.compact) s", xLabel: "time (s)", yLabel: "jobs",
            xAxis: timeAxis(run), yAxis: ChartAxis.nice(from: 0, to: Double(max(highest, 1))))
        for bucket in buckets {
            let end = bucket.start + bucketWidth
            chart.bar(
                x0: bucket.start, x1: end, y1: Double(bucket.completed), color: palette[0], cssClass: "bar completed",
                tooltip: "\(bucket.start.compact)–\(end.compact) s: \(bucket.completed) completed")
            chart.bar(
                x0: bucket.start, x1: end, y0: Double(bucket.completed), y1: Double(bucket.completed + bucket.failed),
                color: failed, cssClass: "bar failed", tooltip: "\(bucket.failed) failed")
        }
        if buckets.isEmpty { chart.note("no job finished") }
        chart.addLegend("completed", color: palette[0], shape: .box)
        chart.addLegend("failed", color: failed, shape: .box)
        return chart.render()
    }
}
