/// A run report as one self-contained HTML file (inline CSS and SVG, no
/// scripts, no external resources), so it can be mailed, archived or opened
/// offline after the demo.
public enum HTMLReport {
    /// - Parameter percentile: the share of jobs that must meet the deadline for the verdict.
    public static func render(_ run: RunRecord, title: String = "Load test report", percentile: Double = 99) -> String {
        let summary = run.summary
        let held = Verdict.held(summary, percentile: percentile)
        var body: [String] = []
        body.append("<h1>\(xmlEscaped(title))</h1>")
        body.append(
            "<p class=\"meta\">Profile <code>\(xmlEscaped(run.profile))</code>, seed \(run.seed), started \(xmlEscaped(run.startedAt.formatted(.iso8601))), deadline \(xmlEscaped(Format.seconds(run.deadline))).</p>"
        )
        body.append("<p class=\"verdict \(held ? "held" : "broken")\">\(xmlEscaped(Verdict.paragraph(for: summary, percentile: percentile)))</p>")
        body.append("<pre class=\"summary\">\(xmlEscaped(SummaryTable.render(summary)))</pre>")
        body.append("<figure>\(ReportCharts.latency(run))</figure>")
        body.append("<figure>\(ReportCharts.inFlight(run))</figure>")
        for chart in ReportCharts.sampled(run) { body.append("<figure>\(chart)</figure>") }
        body.append("<figure>\(ReportCharts.throughput(run))</figure>")
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(xmlEscaped(title))</title>
            <style>
            body { font-family: sans-serif; max-width: 960px; margin: 2em auto; color: #222; }
            .verdict { font-size: 1.1em; padding: 0.8em 1em; border-left: 6px solid; }
            .verdict.held { border-color: #2e7d32; background: #e8f5e9; }
            .verdict.broken { border-color: #c62828; background: #ffebee; }
            pre.summary { background: #f5f5f5; padding: 1em; }
            figure { margin: 1.5em 0; }
            svg.chart { max-width: 100%; height: auto; }
            </style>
            </head>
            <body>
            \(body.joined(separator: "\n"))
            </body>
            </html>

            """
    }
}
