import Foundation
import HTTPServer
import MsgFlo
import MsgFloRuntime
import PlatformClients
import Primitives

/// The demo page served at `/` (issue 5): submit images, generate Poisson load
/// from the browser, watch each job against the deadline and the live worker
/// count. `GET /demo/state` feeds the worker count and queue depth.
///
/// Settings (environment): IMAGERESIZE_DEMO_IMAGES (comma-separated image URLs
/// the page offers), IMAGERESIZE_DEMO_QUEUE (resize.IN), IMAGERESIZE_DEMO_DEADLINE
/// (30 s), the RabbitMQ management API by `ManagementEndpoint`'s rule
/// (RABBITMQ_MANAGEMENT_URL, else derived from the broker URL),
/// IMAGERESIZE_DEMO_PAGE=off to serve no page.
public enum DemoPage {
    public static func routes(config: ServiceConfig) -> (@Sendable (inout Router) -> Void)? {
        routes(config: config, environment: ProcessInfo.processInfo.environment)
    }

    public static func routes(config: ServiceConfig, environment: [String: String]) -> (@Sendable (inout Router) -> Void)? {
        if environment["IMAGERESIZE_DEMO_PAGE"]?.lowercased() == "off" { return nil }
        let settings = DemoSettings(environment: environment, brokerURL: config.brokerURL)
        // Short timeout: the page polls once a second and shows "?" rather than waiting.
        let management = settings.management.map { RabbitMQManagementClient(endpoint: $0, http: URLSessionHTTPClient(timeout: 2)) }
        let monitor = DemoStateMonitor(queue: settings.queue) { name in try await management.get().queue(name) }
        let html = Array(DemoPageHTML.render(settings).utf8)
        return { router in
            router.get("/") { _ in
                HTTPResponse(status: .ok, headers: ["Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"], body: html)
            }
            // The page is public (it holds no data); what it reads needs the API token like every API route.
            router.get("/demo/state") { request in
                do {
                    try BearerToken.check(request, token: config.apiToken)
                } catch let error as APIError {
                    return HTTPResponse(
                        status: HTTPStatus(code: error.status), headers: ["Content-Type": "application/json"],
                        body: Array(error.body))
                }
                return try HTTPResponse.json(await monitor.state(), headers: ["Cache-Control": "no-store"])
            }
        }
    }
}

/// What the demo page starts with, read once from the environment.
public struct DemoSettings: Sendable, Equatable {
    public var images: [String]
    /// The live graph page of the runtime mounted beside the API, when there is one (`MSGFLO_RUNTIME_SECRET`).
    public var graphPage: String?
    public var queue: String
    public var deadline: Double
    /// Where the queue is read, or why it cannot be.
    public var management: Result<ManagementEndpoint, ManagementError>

    public init(environment: [String: String], brokerURL: String?) {
        images = (environment["IMAGERESIZE_DEMO_IMAGES"] ?? "").split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        graphPage =
            RuntimeSettings.embedded(brokerURL: brokerURL ?? BrokerURL.defaultURL, environment: environment) == nil
            ? nil : RuntimeSettings.embeddedPagePath
        queue = environment["IMAGERESIZE_DEMO_QUEUE"].flatMap { $0.isEmpty ? nil : $0 } ?? "resize.IN"
        deadline = environment["IMAGERESIZE_DEMO_DEADLINE"].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil } ?? 30
        management = Result { () throws(ManagementError) -> ManagementEndpoint in
            try ManagementEndpoint.resolve(broker: brokerURL ?? BrokerURL.defaultURL, environment: environment)
        }
    }
}

/// The answer of `GET /demo/state`. `workers` and `queue` are null when the
/// management API cannot be read, and `management` says why, so the page
/// shows "unknown" instead of failing.
public struct DemoState: Sendable, Equatable, Encodable {
    public var workers: Int?
    public var queue: Int?
    public var queueName: String
    public var management: String

    enum CodingKeys: String, CodingKey {
        case workers, queue, management
        case queueName = "queue_name"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(workers, forKey: .workers)
        try c.encode(queue, forKey: .queue)
        try c.encode(queueName, forKey: .queueName)
        try c.encode(management, forKey: .management)
    }
}

/// Reads the queue at most once a second however many pages poll, so an
/// audience of browsers does not become load on the management API.
public actor DemoStateMonitor {
    public let queue: String
    private let read: @Sendable (String) async throws -> QueueStats
    private var cached: (state: DemoState, at: ContinuousClock.Instant)?
    private let maxAge: Duration

    public init(queue: String, maxAge: Duration = .seconds(1), read: @escaping @Sendable (String) async throws -> QueueStats) {
        self.queue = queue
        self.maxAge = maxAge
        self.read = read
    }

    public func state() async -> DemoState {
        if let cached, ContinuousClock.now - cached.at < maxAge { return cached.state }
        let state: DemoState
        do {
            let stats = try await read(queue)
            state = DemoState(workers: stats.consumers, queue: stats.messages, queueName: queue, management: "ok")
        } catch {
            state = DemoState(workers: nil, queue: nil, queueName: queue, management: "unreachable: \(error)")
        }
        cached = (state, .now)
        return state
    }
}
