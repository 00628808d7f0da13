import ArgumentParser
import Foundation
import ImageResize
import LoadTest
import Logging
import MsgFlo
import PlatformClients
import Primitives
import ServiceLifecycle
import Synchronization

/// `imageresize loadtest`: the LoadTest library against a running service,
/// with queue depth and worker samples, a live progress line, the summary
/// table and verdict at the end, and a JSON + HTML report.
struct LoadTestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadtest",
        abstract: "Generate load against a deployment and report latency against a deadline.",
        discussion: """
            Profiles: poisson:RATE, steps:RATE@DURATION,..., ramp:FROM-TO/DURATION, spike:BASE,BURST@START+DURATION
            (rates in jobs per minute). Images: --urls FILE (one URL a line), --image URL, or --images-dir DIR,
            which serves DIR on a loopback port; the service must then run with IMAGERESIZE_ALLOW_HOSTS=localhost:PORT
            (fix the port with --images-port). Writes OUT/NAME.json and OUT/NAME.html.
            """)

    @Option(help: "Base URL of the service.") var target = "http://localhost:8080"
    @Option(help: "Arrival profile, e.g. poisson:60, steps:30@60,90@60, ramp:10-120/120, spike:20,200@30+20.") var profile = "poisson:60"
    @Option(help: "Stop after this many arrivals.") var count: Int?
    @Option(help: "Stop arrivals after this many seconds.") var duration: Double?
    @Option(help: "Images in each job.") var imagesPerJob = 3
    @Option(help: "File of image URLs, one a line ('#' comments).") var urls: String?
    @Option(help: "An image URL (repeatable).") var image: [String] = []
    @Option(help: "Serve the images in this folder and use them.") var imagesDir: String?
    @Option(help: "Loopback port for --images-dir (default: a free one).") var imagesPort: Int?
    @Option(help: "Box width to resize into, px.") var width = 400
    @Option(help: "Box height, px (default: the width).") var height: Int?
    @Option(help: "Output format: jpeg, png, webp.") var format = "jpeg"
    @Option(help: "The deadline under test, seconds from submission to completion.") var deadline: Double = 30
    @Option(help: "Share of jobs (%) that must meet the deadline for the verdict.") var percentile: Double = 99
    @Option(help: "Seconds a job may take before it counts as a timeout (default: max(4 x deadline, 60)).") var jobTimeout: Double?
    @Option(help: "Most jobs in flight; arrivals beyond it are recorded as skipped.") var maxInFlight = 500
    @Option(help: "Random seed of arrivals and image picks.") var seed: UInt64 = 1
    @Option(help: "API dialect: jobs (POST /jobs + long-poll) or original (POST /resize, GET /job/ID).") var api: JobAPI = .jobs
    @Option(help: "Folder for the JSON and HTML report.") var out = "reports/loadtest"
    @Option(help: "File name (without extension) of the report.") var name = "loadtest"
    @Option(help: "Title of the HTML report.") var title = "Load test report"
    @Option(help: "RabbitMQ management API (default: $RABBITMQ_MANAGEMENT_URL, else derived from $MSGFLO_BROKER: http://localhost:15672).")
    var managementURL: String?
    @Option(help: "Queue whose depth and consumers are sampled.") var queue = "resize.IN"
    @Option(help: "Heroku-style formation API (e.g. http://localhost:5500); workers are read from it instead of consumers.") var formationURL: String?
    @Option(help: "App of the formation API.") var formationApp = "local"
    @Option(help: "Process type counted as workers in the formation.") var formationType = "resize"
    @Option(help: "Seconds between samples.") var sampleInterval: Double = 2
    @Flag(help: "No live progress line.") var quiet = false

    func validate() throws {
        if urls == nil, imagesDir == nil, image.isEmpty {
            throw ValidationError("give the images to resize: --urls FILE, --image URL or --images-dir DIR")
        }
        guard URL(string: target)?.host != nil else { throw ValidationError("--target must be a URL such as http://localhost:8080") }
        // Checked before any is converted to milliseconds or added to: a huge or NaN value would trap.
        let longest = LoadRunConfiguration.longestSeconds
        for (name, value) in [
            ("--sample-interval", sampleInterval), ("--deadline", deadline), ("--duration", duration),
            ("--job-timeout", jobTimeout),
        ] {
            guard let value else { continue }
            guard value > 0, value <= longest else { throw ValidationError("\(name) must be above 0 and at most \(Int(longest)) seconds") }
        }
        guard (0...100).contains(percentile) else { throw ValidationError("--percentile must be from 0 to 100") }
        guard (1...100_000).contains(maxInFlight) else { throw ValidationError("--max-in-flight must be from 1 to 100000") }
        if let imagesPort, !(0...65535).contains(imagesPort) { throw ValidationError("--images-port must be from 0 to 65535") }
    }

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
            return handler
        }
        var server: ImageFolderServer?
        defer { server?.stop() }
        var imageURLs = image
        if let urls {
            guard let text = try? String(contentsOfFile: urls, encoding: .utf8) else { throw ValidationError("cannot read --urls \(urls)") }
            imageURLs += text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
        if let imagesDir {
            let folder = try ImageFolderServer(directory: URL(fileURLWithPath: imagesDir), port: imagesPort)
            server = folder
            try await folder.waitUntilReady()
            let served = try folder.imageURLs()
            guard !served.isEmpty else {
                throw ValidationError("no images (\(ImageFolderServer.imageExtensions.sorted().joined(separator: ", "))) in \(imagesDir)")
            }
            imageURLs += served
            say(
                "serving \(served.count) images of \(imagesDir) on \(folder.baseURL); the service must run with IMAGERESIZE_ALLOW_HOSTS=localhost:\(folder.port)"
            )
        }

        let configuration = try makeConfiguration(urls: imageURLs)
        let client = HTTPJobClient(baseURL: URL(string: target)!, api: api, maxConnections: max(maxInFlight + 12, 64))
        let environment = ProcessInfo.processInfo.environment
        // Short timeouts: a sample that does not come is skipped, not waited for.
        let http = URLSessionHTTPClient(timeout: 2)
        let management: RabbitMQManagementClient?
        do {
            let broker =
                environment["MSGFLO_BROKER"].flatMap { $0.isEmpty ? nil : $0 }
                ?? environment["CLOUDAMQP_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? BrokerURL.defaultURL
            let endpoint = try ManagementEndpoint.resolve(flag: managementURL, broker: broker, environment: environment)
            management = RabbitMQManagementClient(endpoint: endpoint, http: http)
        } catch {
            say("warning: queue sampling off: \(error)")
            management = nil
        }
        let sampling = LoadTestProbes(
            management: management, queue: queue,
            formation: formationURL.flatMap(URL.init(string:)).map {
                HerokuClient(baseURL: $0, token: environment["HEROKU_API_KEY"], http: http)
            },
            formationApp: formationApp, formationType: formationType)
        let probes = await sampling.probes(warn: { say("warning: \($0)") })
        let latest = sampling.latest
        let printer: ProgressPrinter? = quiet ? nil : Self.printer(latest: latest)
        let session = LoadTestSession(
            configuration: configuration, client: client, probes: probes,
            sampleInterval: .milliseconds(Int(sampleInterval * 1000)), printer: printer, logger: Logger(label: "loadtest"))

        say(
            "load: \(configuration.profile.spec), \(count.map { "\($0) jobs" } ?? "")\(count != nil && duration != nil ? ", " : "")\(duration.map { "\(Int($0)) s" } ?? "") of \(imagesPerJob) images against \(target), deadline \(deadline) s"
        )
        // Ctrl-C (or SIGTERM) stops the arrivals and waits for the jobs in flight; a second one quits.
        let run = LoadTestRun(session: session)
        do {
            try await ProcessLifecycle.run([run], logger: Logger(label: "loadtest"), gracePeriod: nil, onSecondSignal: .exit)
        } catch {
            throw ValidationError("\(error)")
        }
        guard let record = run.record else { throw ValidationError("the load test ended without a record") }

        print("")
        print(SummaryTable.render(record.summary))
        print("")
        print(Verdict.paragraph(for: record.summary, percentile: percentile))
        let files = try RunArtifacts.write(record, to: URL(fileURLWithPath: out), name: name, title: title, percentile: percentile)
        print("")
        print("report: \(files.html.path)")
        print("data:   \(files.json.path)")
    }

    func makeConfiguration(urls: [String]) throws -> LoadRunConfiguration {
        do {
            let jobs = try JobFactory(
                urls: urls, imagesPerJob: imagesPerJob, width: width, height: height ?? width,
                format: format, seed: seed)
            let configuration = LoadRunConfiguration(
                profile: try ArrivalProfile(spec: profile), bounds: RunBounds(count: count, duration: duration), seed: seed,
                jobs: jobs, deadline: deadline, jobTimeout: jobTimeout.map { .milliseconds(Int($0 * 1000)) },
                maxInFlight: maxInFlight)
            try configuration.validate()
            return configuration
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The library's progress line with the latest queue and worker samples appended.
    static func printer(latest: LatestSamples) -> ProgressPrinter {
        let base = ProgressPrinter()
        let inPlace = base.rewritesInPlace
        return ProgressPrinter(rewritesInPlace: inPlace) { text in
            let clear = "\u{1B}[K"
            var line = text
            var ending = ""
            if line.hasSuffix(clear) {
                line.removeLast(clear.count)
                ending = clear
            } else if line.hasSuffix("\n") {
                line.removeLast()
                ending = "\n"
            }
            if line == "" {
                FileHandle.standardOutput.write(Data(text.utf8))
                return
            }
            FileHandle.standardOutput.write(Data((line + latest.suffix + ending).utf8))
        }
    }

}

extension JobAPI: ExpressibleByArgument {}

func say(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// The load as a service: a graceful shutdown (Ctrl-C) cancels the session,
/// which stops the arrivals, finishes the jobs in flight and still returns its record.
final class LoadTestRun: Service, Sendable {
    let session: LoadTestSession
    private let result = Mutex<RunRecord?>(nil)

    init(session: LoadTestSession) { self.session = session }

    var record: RunRecord? { result.withLock { $0 } }

    func run() async throws {
        let session = self.session
        let record = try await withGracefulShutdownHandler {
            try await cancelWhenGracefulShutdown { try await session.run() }
        } onGracefulShutdown: {
            say("stopping: finishing the jobs in flight (Ctrl-C again to quit)")
        }
        result.withLock { $0 = record }
    }
}
