import Foundation
import HTTPServer
import Logging
import MsgFlo
import Primitives
import SafeDownload

/// The HTTP API of the service: submit jobs, read them (with long-poll),
/// fetch results, list and summarise jobs, health and metrics, and the
/// original 2017 endpoints for old clients.
public struct WebAPI: Sendable {
    public let config: ServiceConfig
    public let store: any JobStore
    public let storage: any ImageStorage
    public let publisher: any JobPublisher
    public let waiter: JobWaiter
    public let metrics: Metrics
    public let logger: Logger
    /// Serves the demo page and its live data; nil when the page is off.
    public let extraRoutes: (@Sendable (inout Router) -> Void)?

    public init(
        config: ServiceConfig, store: any JobStore, storage: any ImageStorage, publisher: any JobPublisher,
        waiter: JobWaiter, metrics: Metrics = Metrics(), logger: Logger = Logger(label: "imageresize.web"),
        extraRoutes: (@Sendable (inout Router) -> Void)? = nil
    ) {
        self.config = config
        self.store = store
        self.storage = storage
        self.publisher = publisher
        self.waiter = waiter
        self.metrics = metrics
        self.logger = logger
        self.extraRoutes = extraRoutes
    }

    /// Every route needs `IMAGERESIZE_API_TOKEN` when it is set (reads too:
    /// job listings show what everyone submitted), but `/health` (for load
    /// balancers) and `/metrics` (`IMAGERESIZE_METRICS_TOKEN` when set).
    public func router() -> Router {
        var router = Router()
        let token = config.apiToken
        router.post("/jobs", instrumented("/jobs", token: token) { try await createJob($0, legacy: false) })
        router.get("/jobs", instrumented("/jobs", token: token) { try await listJobs($0) })
        router.get("/jobs/:id", instrumented("/jobs/:id", token: token) { try await getJob($0) })
        router.get("/jobs/:id/images/:imageId", instrumented("/jobs/:id/images/:imageId", token: token) { try await getImage($0) })
        router.get("/stats", instrumented("/stats", token: token) { try await stats($0) })
        router.get("/health", instrumented("/health", token: nil) { _ in await health() })
        router.get(
            "/metrics",
            instrumented("/metrics", token: config.metricsToken) { _ in
                HTTPResponse(status: .ok, text: metrics.render(), headers: ["Content-Type": "text/plain; version=0.0.4"])
            })
        router.post("/resize", instrumented("/resize", token: token) { try await createJob($0, legacy: true) })
        router.get("/job/:id", instrumented("/job/:id", token: token) { try await getLegacyJob($0) })
        extraRoutes?(&router)
        return router
    }

    // MARK: - Handlers

    func createJob(_ request: HTTPRequest, legacy: Bool) async throws -> HTTPResponse {
        let body = try parseJSON(request)
        let specs = try JobRequestValidator.validate(body, limits: config.limits, legacy: legacy).get()
        let jobID = UUID()
        let now = Date()
        let images = specs.map { (id: UUID(), spec: $0) }
        do {
            try await store.create(jobID: jobID, images: images, at: now)
        } catch {
            logger.error("job not stored", metadata: ["job": "\(jobID.lowercased)", "error": "\(error)"])
            throw APIError.unavailable("The job database is unreachable.")
        }
        let requests = images.map { ResizeRequest(jobID: jobID, imageID: $0.id, spec: $0.spec, createdAt: now) }
        do {
            try await withDeadline(config.publishTimeoutDuration, "publishing the job") {
                try await publisher.publish(requests)
            }
        } catch {
            // Never leave a job that no worker will see: take it back.
            logger.error("job not published; removed", metadata: ["job": "\(jobID.lowercased)", "error": "\(error)"])
            try? await store.delete(jobID: jobID)
            throw APIError.publishFailed(error)
        }
        metrics.increment("imageresize_jobs_created_total", help: "Jobs accepted.")
        metrics.increment("imageresize_images_created_total", by: Double(images.count), help: "Images accepted.")
        logger.info("job created", metadata: ["job": "\(jobID.lowercased)", "images": "\(images.count)", "request": "\(request.requestId)"])
        if legacy {
            return HTTPResponse(status: HTTPStatus(code: 202), headers: ["Location": "/job/\(jobID.lowercased)"])
        }
        let location = "/jobs/\(jobID.lowercased)"
        let accepted: JSONValue = .object([
            "id": .string(jobID.lowercased), "status": "pending", "url": .string(location),
            "images": .array(images.map { .object(["id": .string($0.id.lowercased), "url": .string(URLRedaction.redact($0.spec.url))]) }),
        ])
        var response = json(accepted.encoded(), status: 202)
        response.headers.set("Location", location)
        return response
    }

    func getJob(_ request: HTTPRequest) async throws -> HTTPResponse {
        let id = try jobID(request)
        var wait: Double = 0
        if let text = request.query["wait"] {
            guard let seconds = QueryValue.decimal(text), seconds >= 0 else {
                throw APIError.invalid([.init(field: "wait", problem: "must be a number of seconds from 0 to \(Int(config.maxWaitSeconds))")])
            }
            wait = min(seconds, config.maxWaitSeconds)
        }
        guard wait > 0 else { return try await currentJob(id) }
        let deadline = ContinuousClock.now.advanced(by: .milliseconds(Int(wait * 1000)))
        let ticket: JobWaiter.Ticket
        do {
            ticket = try await waiter.register(id)
        } catch {
            throw APIError(
                status: 503, code: "too_many_waiting",
                message: "This server holds \(error.capacity) long-polls already; retry, or poll without wait.", retryAfterSeconds: 1)
        }
        defer { Task { await waiter.release(ticket) } }
        while true {
            await waiter.willRead(ticket)
            guard let job = try await readStore({ try await store.job(id) }) else { throw APIError.notFound("Job \(id.lowercased)") }
            let remaining = ContinuousClock.now.duration(to: deadline)
            // A shutting-down server, or a client that went away, gets the job as it is.
            let closing = await waiter.isClosed
            if job.status.isFinished || remaining <= .zero || closing || request.client.isGone {
                return json(JobView(job, baseURL: config.publicURL ?? "").encoded())
            }
            // Woken by NOTIFY (without a LISTEN connection: re-read every 2 s), or by the client leaving.
            let timeout = await waiter.isListening ? remaining : min(remaining, .seconds(2))
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await waiter.wait(ticket, timeout: timeout) }
                group.addTask { await request.client.departure() }
                await group.next()
                group.cancelAll()
            }
        }
    }

    func currentJob(_ id: UUID) async throws -> HTTPResponse {
        guard let job = try await readStore({ try await store.job(id) }) else { throw APIError.notFound("Job \(id.lowercased)") }
        return json(JobView(job, baseURL: config.publicURL ?? "").encoded())
    }

    func getLegacyJob(_ request: HTTPRequest) async throws -> HTTPResponse {
        let id = try jobID(request)
        guard let job = try await readStore({ try await store.job(id) }) else { throw APIError.notFound("Job \(id.lowercased)") }
        // The original answered 201 while any image was pending, 200 when all were done.
        return json(LegacyJobView(job, baseURL: config.publicURL ?? "").encoded(), status: job.status.isFinished ? 200 : 201)
    }

    func getImage(_ request: HTTPRequest) async throws -> HTTPResponse {
        let id = try jobID(request)
        guard let imageID = request.pathParameters["imageId"].flatMap(UUID.init(uuidString:)),
            let job = try await readStore({ try await store.job(id) }),
            let image = job.images.first(where: { $0.id == imageID })
        else {
            throw APIError.notFound("Image \(request.pathParameters["imageId"] ?? "")")
        }
        guard let output = image.output else {
            if let error = image.error {
                throw APIError(
                    status: 404, code: "image_failed", message: "This image failed: \(error.message)",
                    details: [.init(field: "error.code", problem: error.code)])
            }
            throw APIError(status: 404, code: "not_ready", message: "This image is not resized yet; poll the job.")
        }
        guard let stored = try await readStore({ try await storage.get(key: output.storageKey) }) else {
            throw APIError.notFound("The stored bytes of image \(imageID.lowercased)")
        }
        var headers: HTTPHeaders = [
            "Content-Type": stored.contentType, "ETag": stored.etag,
            "Cache-Control": "public, max-age=31536000, immutable",
        ]
        if request.headers["If-None-Match"]?.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == stored.etag }) == true
        {
            return HTTPResponse(status: HTTPStatus(code: 304), headers: headers)
        }
        headers.set("Content-Length", String(stored.data.count))
        return HTTPResponse(status: .ok, headers: headers, body: Array(stored.data))
    }

    func listJobs(_ request: HTTPRequest) async throws -> HTTPResponse {
        var problems: [APIError.FieldProblem] = []
        var query = JobQuery()
        if let text = request.query["status"] {
            if let status = JobStatus(rawValue: text) {
                query.status = status
            } else {
                problems.append(.init(field: "status", problem: "must be one of \(JobStatus.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
        }
        if let text = request.query["since"] {
            if let date = Timestamps.parse(text) {
                query.since = date
            } else {
                problems.append(.init(field: "since", problem: "must be an ISO 8601 timestamp such as 2026-01-31T12:00:00Z"))
            }
        }
        if let text = request.query["limit"] {
            if let limit = Int(text), (1...500).contains(limit) {
                query.limit = limit
            } else {
                problems.append(.init(field: "limit", problem: "must be an integer from 1 to 500"))
            }
        }
        if let text = request.query["cursor"] {
            if let cursor = Self.decodeCursor(text) {
                query.before = cursor
            } else {
                problems.append(.init(field: "cursor", problem: "is not a cursor this API gave out"))
            }
        }
        guard problems.isEmpty else { throw APIError.invalid(problems) }
        let finalQuery = query
        let jobs = try await readStore { try await store.jobs(finalQuery) }
        let base = config.publicURL ?? ""
        var next: String?
        if jobs.count == query.limit, let last = jobs.last {
            var items = request.query.items.filter { $0.name != "cursor" }
            items.append((name: "cursor", value: Self.encodeCursor(last)))
            next =
                "/jobs?"
                + items.map {
                    "\($0.name)=\($0.value.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? $0.value)"
                }.joined(separator: "&")
        }
        var page: [String: JSONValue] = ["jobs": .array(jobs.map { JobView($0, baseURL: base).json })]
        if let next { page["next"] = .string(next) }
        return json(JSONValue.object(page).encoded())
    }

    func stats(_ request: HTTPRequest) async throws -> HTTPResponse {
        var window: Double = 3600
        if let text = request.query["window"] {
            guard let seconds = QueryValue.decimal(text), (1...30 * 86400).contains(seconds) else {
                throw APIError.invalid([.init(field: "window", problem: "must be a number of seconds from 1 to 2592000")])
            }
            window = seconds
        }
        let finalWindow = window
        let stats = try await readStore { try await store.stats(window: finalWindow, now: Date()) }
        return json((try? Timestamps.encoder.encode(stats)) ?? Data())
    }

    /// Public, so it says only "ok" or "unreachable": the reason (which
    /// names hosts, users and ports) goes to the log.
    func health() async -> HTTPResponse {
        async let database: String = check("database") { try await store.ping() }
        async let broker: String = check("broker") { try await publisher.ping() }
        let (databaseState, brokerState) = await (database, broker)
        let ok = databaseState == "ok" && brokerState == "ok"
        let body: JSONValue = ["status": .string(ok ? "ok" : "degraded"), "database": .string(databaseState), "broker": .string(brokerState)]
        return json(body.encoded(), status: ok ? 200 : 503)
    }

    func check(_ dependency: String, _ probe: @escaping @Sendable () async throws -> Void) async -> String {
        do {
            try await withDeadline(.seconds(2), "health check") { try await probe() }
            return "ok"
        } catch {
            logger.warning("health check failed", metadata: ["dependency": "\(dependency)", "error": "\(error)"])
            return "unreachable"
        }
    }

    // MARK: - Helpers

    /// Runs `handler` once `request` carries `token` (when there is one),
    /// turning every error into its JSON answer and counting the request.
    func instrumented(
        _ route: String, token: String?,
        _ handler: @escaping @Sendable (HTTPRequest) async throws -> HTTPResponse
    ) -> Router.Handler {
        { request in
            let start = ContinuousClock.now
            let inFlightHelp = "HTTP requests being answered now (long-polls included)."
            metrics.adjust("imageresize_http_requests_in_flight", by: 1, help: inFlightHelp)
            defer { metrics.adjust("imageresize_http_requests_in_flight", by: -1, help: inFlightHelp) }
            var response: HTTPResponse
            do {
                try BearerToken.check(request, token: token)
                response = try await handler(request)
            } catch let error as APIError {
                response = json(error.body, status: error.status)
                if let seconds = error.retryAfterSeconds { response.headers.set("Retry-After", String(seconds)) }
            } catch let error as HTTPError {
                let api = APIError(status: error.status.code, code: "http_\(error.status.code)", message: error.message)
                response = json(api.body, status: api.status)
            } catch {
                logger.error("request failed", metadata: ["route": "\(route)", "error": "\(error)", "request": "\(request.requestId)"])
                let api = APIError(
                    status: 500, code: "internal", message: "Something went wrong on our side; the request id is \(request.requestId).")
                response = json(api.body, status: 500)
            }
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            let labels = "method=\"\(request.method.rawValue)\",route=\"\(route)\",status=\"\(response.status.code)\""
            metrics.increment("imageresize_http_requests_total", labels: labels, help: "HTTP requests answered.")
            metrics.observe(
                "imageresize_http_request_duration_seconds", labels: "route=\"\(route)\"", seconds: seconds,
                help: "Time to answer HTTP requests (long-polls included).")
            return response
        }
    }

    func parseJSON(_ request: HTTPRequest) throws -> JSONValue {
        let type = request.headers["Content-Type"]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard type == "application/json" || type?.hasSuffix("+json") == true else { throw APIError.unsupportedMediaType }
        do {
            return try JSONValue(parsing: request.body)
        } catch {
            throw APIError.badJSON(Self.describe(error))
        }
    }

    func jobID(_ request: HTTPRequest) throws -> UUID {
        guard let text = request.pathParameters["id"], let id = UUID(uuidString: text) else {
            throw APIError.notFound("Job \(request.pathParameters["id"] ?? "")")
        }
        return id
    }

    /// A database outage answers 503 (try again), not 500.
    func readStore<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            logger.error("database read failed", metadata: ["error": "\(error)"])
            throw APIError.unavailable("The job database is unreachable.")
        }
    }

    func json(_ body: Data, status: Int = 200) -> HTTPResponse {
        HTTPResponse(status: HTTPStatus(code: status), headers: ["Content-Type": "application/json"], body: Array(body))
    }

    static func describe(_ error: any Error) -> String {
        (error as? JSONSyntaxError)?.description ?? "\(error)"
    }

    static func encodeCursor(_ job: JobRecord) -> String {
        let micros = (job.createdAt.timeIntervalSince1970 * 1_000_000).rounded()
        let bounds = cursorMicroseconds
        let clamped = micros >= Double(bounds.upperBound) ? bounds.upperBound : micros > 0 ? Int64(micros) : bounds.lowerBound
        return "\(clamped)_\(job.id.lowercased)"
    }

    /// Microseconds since 1970 a cursor may carry: from 1970 to the end of year
    /// 9999. The API only gives out cursors of jobs it created, and a timestamp
    /// outside this range would overflow converting back to microseconds for
    /// the database (`9223372036854775807_…` trapped the web process).
    static let cursorMicroseconds: ClosedRange<Int64> = 0...253_402_300_799_999_999

    static func decodeCursor(_ text: String) -> (createdAt: Date, id: UUID)? {
        let parts = text.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, let micros = Int64(parts[0]), cursorMicroseconds.contains(micros),
            let id = UUID(uuidString: String(parts[1]))
        else { return nil }
        return (Date(timeIntervalSince1970: Double(micros) / 1_000_000), id)
    }
}

extension UUID {
    var lowercased: String { uuidString.lowercased() }
}
