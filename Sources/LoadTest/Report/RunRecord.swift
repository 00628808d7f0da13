import Foundation

/// Everything about a finished run, as written to its JSON file: the settings,
/// every job's timings, the sampled series and the summary. The HTML report is
/// made from this alone, so it can be regenerated from the file later.
public struct RunRecord: Sendable, Hashable, Codable {
    public var profile: String
    public var seed: UInt64
    public var deadline: Double
    /// Wall-clock time of the run's start, in whole milliseconds since 1970:
    /// an integer, so that a record read back from its file equals itself.
    public var startedAtMilliseconds: Int64
    public var duration: Double
    public var summary: LoadSummary
    public var jobs: [LoadJobRecord]
    public var series: [TimeSeries]

    public init(
        profile: String, seed: UInt64, deadline: Double, startedAt: Date, duration: Double,
        jobs: [LoadJobRecord], series: [TimeSeries] = []
    ) {
        self.profile = profile
        self.seed = seed
        self.deadline = deadline
        self.startedAtMilliseconds = Int64((startedAt.timeIntervalSince1970 * 1000).rounded())
        self.duration = duration
        self.summary = LoadSummary(records: jobs, deadline: deadline, duration: duration)
        self.jobs = jobs
        self.series = series
    }

    /// The record of a run made by `LoadRunner`.
    public init(configuration: LoadRunConfiguration, result: LoadRunResult, startedAt: Date, series: [TimeSeries] = []) {
        self.init(
            profile: configuration.profile.spec, seed: configuration.seed, deadline: configuration.deadline,
            startedAt: startedAt, duration: result.duration, jobs: result.records, series: series)
    }

    public var startedAt: Date {
        Date(timeIntervalSince1970: Double(startedAtMilliseconds) / 1000)
    }

    enum CodingKeys: String, CodingKey {
        case profile, seed, deadline, duration, summary, jobs, series
        case startedAtMilliseconds = "started_at_ms"
        case startedAt = "started_at"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        profile = try c.decode(String.self, forKey: .profile)
        seed = try c.decode(UInt64.self, forKey: .seed)
        deadline = try c.decode(Double.self, forKey: .deadline)
        startedAtMilliseconds = try c.decode(Int64.self, forKey: .startedAtMilliseconds)
        duration = try c.decode(Double.self, forKey: .duration)
        summary = try c.decode(LoadSummary.self, forKey: .summary)
        jobs = try c.decode([LoadJobRecord].self, forKey: .jobs)
        series = try c.decode([TimeSeries].self, forKey: .series)
    }

    /// Also writes `started_at` as ISO 8601 text for people; reading uses `started_at_ms`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(profile, forKey: .profile)
        try c.encode(seed, forKey: .seed)
        try c.encode(deadline, forKey: .deadline)
        try c.encode(startedAtMilliseconds, forKey: .startedAtMilliseconds)
        try c.encode(startedAt.formatted(.iso8601), forKey: .startedAt)
        try c.encode(duration, forKey: .duration)
        try c.encode(summary, forKey: .summary)
        try c.encode(jobs, forKey: .jobs)
        try c.encode(series, forKey: .series)
    }

    /// Pretty-printed JSON with sorted keys, so two runs diff cleanly.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public static func decode(_ data: Data) throws -> RunRecord {
        try JSONDecoder().decode(RunRecord.self, from: data)
    }

    public func write(to url: URL) throws {
        try jsonData().write(to: url, options: .atomic)
    }

    public static func read(from url: URL) throws -> RunRecord {
        try decode(Data(contentsOf: url))
    }
}
