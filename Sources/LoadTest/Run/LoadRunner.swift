import Logging
import Primitives

/// Runs one load test: submits jobs at the profile's arrival times, waits for
/// each one, and records its timings.
///
/// Open loop: a job is submitted at its arrival time whether or not earlier
/// ones have finished, as real users would, so a slow service shows up as
/// growing latency rather than as a slower load. An actor because the
/// scheduling loop, the job tasks and the progress reader share the counters.
public actor LoadRunner {
    public let configuration: LoadRunConfiguration
    private let client: any JobClient
    private let logger: Logger

    private var origin: ContinuousClock.Instant?
    private var records: [Int: LoadJobRecord] = [:]
    private var sent = 0
    private var done = 0
    private var skipped = 0
    private var inFlight = 0
    private var peakInFlight = 0
    private var completedLatencies: [Double] = []
    private var completionTimes: [Double] = []
    private var deadlineMisses = 0
    private var errorsByKind: [String: Int] = [:]

    public init(configuration: LoadRunConfiguration, client: any JobClient, logger: Logger = Logger(label: "loadtest"))
        throws(LoadTestConfigurationError)
    {
        try configuration.validate()
        self.configuration = configuration
        self.client = client
        self.logger = logger
    }

    /// Runs until the arrivals end (count, duration or the profile's end) and
    /// every job in flight has finished or timed out. Cancelling the calling
    /// task stops new arrivals and records the jobs in flight as `cancelled`.
    ///
    /// - Parameters:
    ///   - origin: time zero of the run, shared with a `Sampler` so that their
    ///     series line up in the report.
    ///   - progress: called every `progressInterval` and once at the end.
    public func run(
        origin: ContinuousClock.Instant = .now, progress: (@Sendable (ProgressSnapshot) -> Void)? = nil
    ) async -> LoadRunResult {
        precondition(self.origin == nil, "a LoadRunner runs once; make a new one for the next run")
        self.origin = origin
        logger.info(
            "load run starting",
            metadata: [
                "profile": "\(configuration.profile.spec)", "count": "\(configuration.bounds.count.map(String.init) ?? "-")",
                "duration": "\(configuration.bounds.duration.map { Format.seconds($0) } ?? "-")",
                "deadline": "\(Format.seconds(configuration.deadline))", "max_in_flight": "\(configuration.maxInFlight)",
            ])
        let ticker: Task<Void, Never>? = progress.map { report in
            let interval = configuration.progressInterval
            return Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    if Task.isCancelled { break }
                    report(self.snapshot())
                }
            }
        }
        await withDiscardingTaskGroup { group in
            var arrivals = ArrivalTimes(profile: configuration.profile, bounds: configuration.bounds, seed: configuration.seed)
            var factory = configuration.jobs
            var index = 0
            while let at = arrivals.next() {
                try? await Task.sleep(until: origin.advanced(by: .seconds(at)), clock: .continuous)
                if Task.isCancelled { break }
                let images = factory.nextJob()
                let jobIndex = index
                index += 1
                guard inFlight < configuration.maxInFlight else {
                    record(
                        LoadJobRecord(
                            index: jobIndex, scheduledAt: at, submittedAt: elapsed(), completedAt: nil, status: .skipped,
                            errorKind: .inFlightCap, errorMessage: "\(inFlight) jobs in flight, the cap", images: images.map(\.input)))
                    skipped += 1
                    continue
                }
                inFlight += 1
                sent += 1
                peakInFlight = max(peakInFlight, inFlight)
                group.addTask {
                    let record = await self.perform(index: jobIndex, scheduledAt: at, images: images, origin: origin)
                    await self.finish(record)
                }
            }
        }
        ticker?.cancel()
        let final = snapshot()
        progress?(final)
        let result = LoadRunResult(
            records: records.values.sorted { $0.index < $1.index }, duration: final.elapsed, peakInFlight: peakInFlight)
        logger.info(
            "load run finished",
            metadata: [
                "sent": "\(sent)", "done": "\(done)", "skipped": "\(skipped)", "elapsed": "\(Format.seconds(final.elapsed))",
            ])
        return result
    }

    /// The run as it stands, for progress display.
    public func snapshot() -> ProgressSnapshot {
        let now = elapsed()
        let window = min(10, max(now, 0.001))
        let recent = completionTimes.reversed().prefix { $0 >= now - window }.count
        let percentiles = Percentiles(completedLatencies)
        return ProgressSnapshot(
            elapsed: now, sent: sent, done: done, inFlight: inFlight, skipped: skipped,
            targetRatePerMinute: configuration.profile.ratePerMinute(at: now),
            recentThroughputPerMinute: Double(recent) / window * 60,
            p50: percentiles.value(at: 50), p95: percentiles.value(at: 95),
            deadlineMisses: deadlineMisses, errorsByKind: errorsByKind)
    }

    private func elapsed() -> Double {
        origin.map(Self.seconds(since:)) ?? 0
    }

    static func seconds(since origin: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - origin
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    private func record(_ record: LoadJobRecord) {
        records[record.index] = record
        if let kind = record.errorKind { errorsByKind[kind.description, default: 0] += 1 }
    }

    private func finish(_ job: LoadJobRecord) {
        inFlight -= 1
        done += 1
        record(job)
        if let completedAt = job.completedAt { completionTimes.append(completedAt) }
        if job.status == .completed, let latency = job.latency {
            completedLatencies.append(latency)
            if latency > configuration.deadline { deadlineMisses += 1 }
        } else {
            deadlineMisses += 1
        }
        if job.status == .failed {
            logger.debug(
                "job failed",
                metadata: [
                    "index": "\(job.index)", "kind": "\(job.errorKind?.description ?? "-")", "error": "\(job.errorMessage ?? "-")",
                ])
        }
    }

    /// Submits one job and waits for it; runs off the actor so that jobs
    /// overlap and their timestamps do not wait for the actor.
    private nonisolated func perform(
        index: Int, scheduledAt: Double, images: [ImageRequest], origin: ContinuousClock.Instant
    ) async -> LoadJobRecord {
        let submittedAt = Self.seconds(since: origin)
        var record = LoadJobRecord(
            index: index, scheduledAt: scheduledAt, submittedAt: submittedAt, completedAt: nil, status: .failed,
            images: images.map(\.input))
        let started = ContinuousClock.now
        do {
            let handle = try await client.submit(images)
            record.jobID = handle.id
            let remaining = configuration.jobTimeout - (ContinuousClock.now - started)
            guard remaining > .zero else { throw JobClientError.timeout }
            switch try await client.waitForCompletion(handle, timeout: remaining) {
            case .completed:
                record.status = .completed
            case .failed(let message):
                record.errorKind = .jobFailed
                record.errorMessage = message
            }
        } catch is CancellationError {
            record.errorKind = .cancelled
            record.errorMessage = "the run was stopped"
        } catch {
            record.errorKind = Task.isCancelled ? .cancelled : ErrorKind(classifying: error)
            record.errorMessage = String(describing: error)
        }
        record.completedAt = Self.seconds(since: origin)
        return record
    }
}

/// What a finished run hands back: every job's record and how long it took.
public struct LoadRunResult: Sendable {
    /// One record per arrival, in arrival order.
    public var records: [LoadJobRecord]
    /// Seconds from the start until the last job finished.
    public var duration: Double
    /// The most jobs that were in flight at once.
    public var peakInFlight: Int

    public init(records: [LoadJobRecord], duration: Double, peakInFlight: Int) {
        self.records = records
        self.duration = duration
        self.peakInFlight = peakInFlight
    }

    public func summary(deadline: Double) -> LoadSummary {
        LoadSummary(records: records, deadline: deadline, duration: duration)
    }
}
