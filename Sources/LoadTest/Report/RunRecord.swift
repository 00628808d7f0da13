import Foundation

/// Everything about a finished run, as written to its JSON file: the settings,
/// every job's timings, the sampled series and the summary. The HTML report is
/// made from this alone, so it can be regenerated from the file later.
public struct RunRecord: Sendable, Hashable, Codable {
    public var profile: String
    public var seed: UInt64
    public var deadline: Double
    /// Wall-clock time of the run's start (second precision in the file).
    public var startedAt: Date
    public var duration: Double
    public var summary: LoadSummary
    public var jobs: [JobRecord]
    public var series: [TimeSeries]

    public init(profile: String, seed: UInt64, deadline: Double, startedAt: Date, duration: Double,
                jobs: [JobRecord], series: [TimeSeries] = []) {
        self.profile = profile
        self.seed = seed
        self.deadline = deadline
        self.startedAt = startedAt
        self.duration = duration
        self.summary = LoadSummary(records: jobs, deadline: deadline, duration: duration)
        self.jobs = jobs
        self.series = series
    }

    /// The record of a run made by `LoadRunner`.
    public init(configuration: LoadRunConfiguration, result: LoadRunResult, startedAt: Date, series: [TimeSeries] = []) {
        self.init(profile: configuration.profile.spec, seed: configuration.seed, deadline: configuration.deadline,
                  startedAt: startedAt, duration: result.duration, jobs: result.records, series: series)
    }

    enum CodingKeys: String, CodingKey {
        case profile, seed, deadline, duration, summary, jobs, series
        case startedAt = "started_at"
    }

    /// Pretty-printed JSON with sorted keys, so two runs diff cleanly.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    public static func decode(_ data: Data) throws -> RunRecord {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(RunRecord.self, from: data)
    }

    public func write(to url: URL) throws {
        try jsonData().write(to: url, options: .atomic)
    }

    public static func read(from url: URL) throws -> RunRecord {
        try decode(Data(contentsOf: url))
    }
}
