import Logging

/// Records time series during a run by polling caller-supplied readers (queue
/// depth from the RabbitMQ management API, worker counts from the formation),
/// so that the report can set latency beside what the service was doing.
/// The readers are closures, which keeps this module free of any broker or
/// formation client.
public actor Sampler {
    /// One series to record and how to read its current value.
    public struct Probe: Sendable {
        public var name: String
        public var unit: String
        public var read: @Sendable () async throws -> Double

        public init(name: String, unit: String, read: @escaping @Sendable () async throws -> Double) {
            self.name = name
            self.unit = unit
            self.read = read
        }
    }

    public let probes: [Probe]
    public let interval: Duration
    public let origin: ContinuousClock.Instant
    private let logger: Logger
    private var recorded: [TimeSeries]
    private var loop: Task<Void, Never>?

    /// - Parameter origin: time zero, the same as the `LoadRunner.run(origin:)`.
    public init(
        probes: [Probe], interval: Duration = .seconds(5), origin: ContinuousClock.Instant = .now,
        logger: Logger = Logger(label: "loadtest.sampler")
    ) {
        self.probes = probes
        self.interval = interval
        self.origin = origin
        self.logger = logger
        self.recorded = probes.map { TimeSeries(name: $0.name, unit: $0.unit) }
    }

    /// Starts polling: a sample now, then one every `interval` until `stop()`.
    public func start() {
        guard loop == nil else { return }
        loop = Task {
            while !Task.isCancelled {
                await self.sampleOnce()
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// Stops polling, takes a last sample, and returns everything recorded.
    public func stop() async -> [TimeSeries] {
        let running = loop
        loop = nil
        running?.cancel()
        // Let a sample in progress land before the last one, so none comes after.
        await running?.value
        await sampleOnce()
        return recorded
    }

    /// The series recorded so far.
    public var series: [TimeSeries] { recorded }

    /// Reads every probe once; a failed read is logged and leaves a gap.
    public func sampleOnce() async {
        for (index, probe) in probes.enumerated() {
            do {
                let value = try await probe.read()
                let t = LoadRunner.seconds(since: origin)
                recorded[index].points.append(TimeSeries.Point(t: t, value: value))
            } catch {
                logger.warning("sample failed", metadata: ["series": "\(probe.name)", "error": "\(error)"])
            }
        }
    }
}
