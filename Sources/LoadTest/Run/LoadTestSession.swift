import Foundation
import Logging

/// One demo act's load, wired end to end: the runner, the sampler on the same
/// time origin, the live progress line, and the record that the report and the
/// JSON file are made from. Keeps the executable to argument parsing.
public struct LoadTestSession: Sendable {
    public var configuration: LoadRunConfiguration
    public var client: any JobClient
    /// Series to record while the load runs (queue depth, workers...).
    public var probes: [Sampler.Probe]
    public var sampleInterval: Duration
    /// Where the progress line goes; nil for none.
    public var printer: ProgressPrinter?
    public var logger: Logger

    public init(
        configuration: LoadRunConfiguration, client: any JobClient, probes: [Sampler.Probe] = [],
        sampleInterval: Duration = .seconds(5), printer: ProgressPrinter? = ProgressPrinter(),
        logger: Logger = Logger(label: "loadtest")
    ) {
        self.configuration = configuration
        self.client = client
        self.probes = probes
        self.sampleInterval = sampleInterval
        self.printer = printer
        self.logger = logger
    }

    /// Runs the load until it ends by itself and returns what happened.
    public func run() async throws(LoadTestConfigurationError) -> RunRecord {
        let runner = try LoadRunner(configuration: configuration, client: client, logger: logger)
        let origin = ContinuousClock.now
        let startedAt = Date()
        let sampler = probes.isEmpty ? nil : Sampler(probes: probes, interval: sampleInterval, origin: origin, logger: logger)
        await sampler?.start()
        let printer = self.printer
        var progress: (@Sendable (ProgressSnapshot) -> Void)?
        if let printer {
            progress = { snapshot in printer.print(snapshot) }
        }
        let result = await runner.run(origin: origin, progress: progress)
        printer?.finish()
        let series = await sampler?.stop() ?? []
        return RunRecord(configuration: configuration, result: result, startedAt: startedAt, series: series)
    }
}

/// Writes a run's files side by side: `<name>.json` (every job's timings) and
/// `<name>.html` (the self-contained report).
public enum RunArtifacts {
    @discardableResult
    public static func write(
        _ record: RunRecord, to directory: URL, name: String, title: String = "Load test report", percentile: Double = 99
    ) throws -> (json: URL, html: URL) {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let json = directory.appendingPathComponent("\(name).json")
        let html = directory.appendingPathComponent("\(name).html")
        try record.write(to: json)
        try Data(HTMLReport.render(record, title: title, percentile: percentile).utf8).write(to: html, options: .atomic)
        return (json, html)
    }
}
