import Foundation
import Vips

/// A configuration problem found at start-up, naming the variable to fix.
public struct ServiceConfigError: Error, CustomStringConvertible, Equatable {
    public var variable: String
    public var problem: String
    public var description: String { "\(variable): \(problem)" }
}

/// Every setting of the service, read from the environment (12-factor).
///
/// Names follow the original (`IMAGERESIZE_*`, `DATABASE_URL`, `PORT`) so an
/// existing deployment's config vars keep working.
public struct ServiceConfig: Sendable, Equatable {
    public var port: Int = 8080
    public var databaseURL: String = "postgres://postgres@localhost:5432/imageresize"
    /// `nil` lets MsgFlo resolve MSGFLO_BROKER / CLOUDAMQP_URL / amqp://localhost.
    public var brokerURL: String?
    public var limits = JobLimits()
    /// Largest request body, bytes.
    public var maxBodyBytes: Int = 1 << 20
    /// Bearer token every route but /health, /metrics and the demo page needs, when set.
    public var apiToken: String?
    /// Bearer token /metrics needs, when set (else it is public).
    public var metricsToken: String?
    /// Public base URL for links in answers (defaults to the request's Host).
    public var publicURL: String?
    /// Longest `?wait=` a client may ask for, seconds.
    public var maxWaitSeconds: Double = 60
    /// Most long-polls one web process holds at once (each is a connection and a file descriptor).
    public var maxLongPolls: Int = 20_000
    /// Time allowed to publish a job's messages before answering 503, seconds.
    public var publishTimeout: Double = 5
    /// `publishTimeout` as a duration (at most a day, so no setting can overflow it).
    public var publishTimeoutDuration: Duration { .milliseconds(Int64((min(publishTimeout, 86_400) * 1000).rounded())) }

    /// Images a resize worker resizes at once (libvips threads, memory).
    public var resizeConcurrency: Int = 1
    /// Images a resize worker downloads beyond those it resizes, so the next
    /// one is in memory when a resize ends (prefetch = concurrency + this).
    public var downloadAhead: Int = 1
    /// Decode progressive JPEGs read at 1/8 scale from only the scans that
    /// scale needs (same pixels, less CPU); off only to measure the difference.
    public var prunesProgressiveJPEGScans = true
    public var storeConcurrency: Int = 4
    /// CPU priority of the resize and store workers (`WorkerPriority`).
    public var workerPriority: WorkerPriority = .normal
    public var vipsConcurrency: Int = 1
    public var downloadConnectTimeout: Double = 5
    public var downloadTimeout: Double = 20
    public var maxDownloadBytes: Int = 40 << 20
    public var maxPixels: Int = 100_000_000
    /// Memory one image's decode and thumbnail may take (pixels x bands x
    /// bytes per sample, decoder buffers, output), bytes; checked from the
    /// header before decoding (`Vips.DecodeMemory`).
    public var maxImageMemory: Int = 100 << 20
    /// CPU seconds one image's decode and resize may take.
    public var resizeCPUSeconds: Double = 10
    /// Input formats the resize workers decode.
    public var inputFormats: Set<ImageFormat> = ImageFormat.webDefaults
    public var maxRedirects: Int = 3
    /// Hosts (optionally host:port) that may resolve to private addresses, e.g. a test image server.
    public var allowHosts: [String] = []
    /// Connections a web process keeps for requests (it opens one more to LISTEN for finished jobs).
    public var databasePoolSize: Int = 4
    /// Jobs and their results older than this are deleted by the store
    /// workers, seconds; nil keeps everything.
    public var retention: TimeInterval? = 7 * 86_400
    /// Connections a store process keeps; nil: one per result it writes at once.
    public var storeDatabasePool: Int?
    public var storeDatabasePoolSize: Int { storeDatabasePool ?? storeConcurrency }
    /// The formation's Postgres connection budget, when one is set (DatabaseConnectionBudget).
    public var connectionBudget: DatabaseConnectionBudget?
    /// Heroku's dyno name (`web.1`), so a dyno beyond the budgeted formation can refuse to start.
    public var dyno: String?

    public init() {}

    public init(environment: [String: String]) throws(ServiceConfigError) {
        func int(_ name: String, _ range: ClosedRange<Int>) throws(ServiceConfigError) -> Int? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw ServiceConfigError(
                    variable: name, problem: "must be an integer from \(range.lowerBound) to \(range.upperBound), got \"\(text)\"")
            }
            return value
        }
        func flag(_ name: String) throws(ServiceConfigError) -> Bool? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            switch text.lowercased() {
            case "1", "true", "yes", "on": return true
            case "0", "false", "no", "off": return false
            default: throw ServiceConfigError(variable: name, problem: "must be 1 or 0 (true or false), got \"\(text)\"")
            }
        }
        // At most a day: the values become millisecond durations, and a huge
        // one (1e300) would overflow that conversion on the first request.
        func seconds(_ name: String) throws(ServiceConfigError) -> Double? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            guard let value = Double(text), value > 0, value <= 86_400 else {
                throw ServiceConfigError(variable: name, problem: "must be a number of seconds above 0 and at most 86400, got \"\(text)\"")
            }
            return value
        }
        if let v = try int("PORT", 0...65535) { port = v }
        if let v = environment["DATABASE_URL"], !v.isEmpty { databaseURL = v }
        brokerURL =
            environment["MSGFLO_BROKER"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["CLOUDAMQP_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if let v = try int("IMAGERESIZE_MAX_IMAGES", 1...10_000) { limits.maxImagesPerJob = v }
        if let v = try int("IMAGERESIZE_MAX_DIMENSION", 16...16_384) { limits.maxDimension = v }
        if let v = try int("IMAGERESIZE_MAX_BODY_BYTES", 1024...(256 << 20)) { maxBodyBytes = v }
        apiToken = environment["IMAGERESIZE_API_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        metricsToken = environment["IMAGERESIZE_METRICS_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        publicURL = environment["IMAGERESIZE_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 }
        if let v = try seconds("IMAGERESIZE_MAX_WAIT") { maxWaitSeconds = v }
        if let v = try int("IMAGERESIZE_MAX_LONG_POLLS", 0...1_000_000) { maxLongPolls = v }
        if let v = try seconds("IMAGERESIZE_PUBLISH_TIMEOUT") { publishTimeout = v }
        // The original's names: IMAGERESIZE_RESIZE_CONCURRENT; ours: ..._CONCURRENCY.
        if let v = try int("IMAGERESIZE_RESIZE_CONCURRENCY", 1...256) {
            resizeConcurrency = v
        } else if let v = try int("IMAGERESIZE_RESIZE_CONCURRENT", 1...256) {
            resizeConcurrency = v
        }
        if let v = try int("IMAGERESIZE_DOWNLOAD_AHEAD", 0...64) { downloadAhead = v }
        if let v = try flag("IMAGERESIZE_PRUNE_PROGRESSIVE_JPEG") { prunesProgressiveJPEGScans = v }
        if let v = try int("IMAGERESIZE_STORE_CONCURRENCY", 1...256) {
            storeConcurrency = v
        } else if let v = try int("IMAGERESIZE_STORE_CONCURRENT", 1...256) {
            storeConcurrency = v
        }
        if let text = environment["IMAGERESIZE_WORKER_PRIORITY"], !text.isEmpty {
            guard let priority = WorkerPriority(rawValue: text.lowercased()) else {
                throw ServiceConfigError(
                    variable: "IMAGERESIZE_WORKER_PRIORITY",
                    problem: "must be normal or idle (idle: workers use only CPU the web leaves), got \"\(text)\"")
            }
            workerPriority = priority
        }
        if let v = try int("VIPS_CONCURRENCY", 1...64) { vipsConcurrency = v }
        if let v = try seconds("IMAGERESIZE_CONNECT_TIMEOUT") { downloadConnectTimeout = v }
        if let v = try seconds("IMAGERESIZE_RESIZE_TIMEOUT") { downloadTimeout = v }
        if let v = try int("IMAGERESIZE_MAX_DOWNLOAD_BYTES", 1024...(1 << 30)) { maxDownloadBytes = v }
        if let v = try int("IMAGERESIZE_MAX_PIXELS", 1...1_000_000_000) { maxPixels = v }
        if let v = try int("IMAGERESIZE_MAX_REDIRECTS", 0...20) { maxRedirects = v }
        if let v = try int("IMAGERESIZE_MAX_IMAGE_MEMORY", (1 << 20)...(16 << 30)) { maxImageMemory = v }
        if let v = try seconds("IMAGERESIZE_RESIZE_CPU_SECONDS") { resizeCPUSeconds = v }
        if let text = environment["IMAGERESIZE_INPUT_FORMATS"], !text.isEmpty {
            inputFormats = try Self.formats(text)
        }
        if let v = try int("IMAGERESIZE_DB_POOL", 1...64) { databasePoolSize = v }
        if let text = environment["IMAGERESIZE_RETENTION"], !text.isEmpty { retention = try Self.retention(text) }
        if let v = try int("IMAGERESIZE_STORE_DB_POOL", 1...64) { storeDatabasePool = v }
        connectionBudget = try DatabaseConnectionBudget(environment: environment)
        dyno = environment["DYNO"].flatMap { $0.isEmpty ? nil : $0 }
        if let text = environment["IMAGERESIZE_ALLOW_HOSTS"] {
            allowHosts = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    /// "jpeg,png,webp,gif,tiff": each name known to `ImageFormat(name:)`.
    static func formats(_ text: String) throws(ServiceConfigError) -> Set<ImageFormat> {
        var formats = Set<ImageFormat>()
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty {
            guard let format = ImageFormat(name: name) else {
                throw ServiceConfigError(
                    variable: "IMAGERESIZE_INPUT_FORMATS",
                    problem:
                        "\"\(name)\" is not a format; use a comma-separated list of \(ImageFormat.nameable.map(\.description).joined(separator: ", "))"
                )
            }
            formats.insert(format)
        }
        guard !formats.isEmpty else {
            throw ServiceConfigError(variable: "IMAGERESIZE_INPUT_FORMATS", problem: "names no format; leave it unset for jpeg,png,webp,gif")
        }
        return formats
    }

    /// "7d", "36h", "90m", "3600s" or "3600" (seconds), from a minute to ten
    /// years; "off" keeps jobs forever.
    static func retention(_ text: String) throws(ServiceConfigError) -> TimeInterval? {
        let problem = ServiceConfigError(
            variable: "IMAGERESIZE_RETENTION",
            problem: "must be a duration such as 7d, 36h, 90m or 3600s (a minute to ten years), or off; got \"\(text)\"")
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if trimmed == "off" { return nil }
        let units: [Character: Int] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        let unit = trimmed.last.flatMap { units[$0] }
        let digits = unit == nil ? trimmed : String(trimmed.dropLast())
        guard !digits.isEmpty, digits.utf8.allSatisfy({ (48...57).contains($0) }), digits.count <= 12, let value = Int(digits) else { throw problem }
        let (seconds, overflow) = value.multipliedReportingOverflow(by: unit ?? 1)
        guard !overflow, (60...(3650 * 86_400)).contains(seconds) else { throw problem }
        return TimeInterval(seconds)
    }
}
