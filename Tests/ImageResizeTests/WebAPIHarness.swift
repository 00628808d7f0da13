import Foundation
import HTTPServer
import Logging

@testable import ImageResize

/// The web API over in-memory stores, driven through `Router.respond(to:)`:
/// every route without a socket, a database or a broker.
struct WebAPIHarness {
    let store = InMemoryJobStore()
    let storage = InMemoryImageStorage()
    let publisher = RecordingPublisher()
    let waiter: JobWaiter
    let metrics = Metrics()
    let router: Router

    static let quiet = Logger(label: "imageresize.web.test") { _ in SwiftLogNoOpLogHandler() }

    /// - Parameter demoPage: serve `/` and `/demo/state` too (with a
    ///   management API that is never reachable).
    init(demoPage: Bool = false, _ configure: (inout ServiceConfig) -> Void = { _ in }) {
        var config = ServiceConfig()
        config.limits = JobLimits(maxImagesPerJob: 3, maxDimension: 2000)
        config.publishTimeout = 0.3
        configure(&config)
        waiter = JobWaiter(capacity: config.maxLongPolls)
        let demo = demoPage ? DemoPage.routes(config: config, environment: ["RABBITMQ_MANAGEMENT_URL": "http://127.0.0.1:9"]) : nil
        router = WebAPI(
            config: config, store: store, storage: storage, publisher: publisher, waiter: waiter,
            metrics: metrics, logger: Self.quiet, extraRoutes: demo
        ).router()
    }

    /// An answer with its body read as JSON when it is JSON.
    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]) ?? [:] }
        var text: String { String(decoding: body, as: UTF8.self) }
        /// `error.code` of an error answer.
        var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        /// `error.details[].field` of a 422.
        var fields: [String] { ((json["error"] as? [String: Any])?["details"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String } }
    }

    func send(_ method: HTTPMethod, _ target: String, headers: HTTPHeaders = [:], body: String = "") async -> Answer {
        let request = HTTPRequest(method: method, target: target, headers: headers, body: Array(body.utf8), logger: Self.quiet)
        let response = await router.respond(to: request)
        return Answer(status: response.status.code, headers: response.headers, body: response.body)
    }

    func get(_ target: String, headers: HTTPHeaders = [:]) async -> Answer { await send(.get, target, headers: headers) }

    static let json: HTTPHeaders = ["Content-Type": "application/json"]

    /// A valid job of `count` images.
    static func jobBody(images count: Int = 1) -> String {
        #"{"images":["# + (0..<count).map { #"{"url":"http://img.example/\#($0).jpg","width":100}"# }.joined(separator: ",") + "]}"
    }

    /// Submits a job through the API and returns its id.
    func submit(images count: Int = 1) async throws -> UUID {
        let answer = await send(.post, "/jobs", headers: Self.json, body: Self.jobBody(images: count))
        guard answer.status == 202, let id = (answer.json["id"] as? String).flatMap(UUID.init(uuidString:)) else {
            throw HarnessError("POST /jobs answered \(answer.status): \(answer.text)")
        }
        return id
    }

    /// Finishes image `index` of a job as a store worker would: bytes stored, outcome recorded.
    func finish(_ job: UUID, image index: Int, failed: Bool = false, startedAt: Date = Date(), processingMs: Int = 250) async throws {
        guard let record = try await store.job(job), record.images.indices.contains(index) else { throw HarnessError("no image \(index) in \(job)") }
        let image = record.images[index]
        let finishedAt = startedAt.addingTimeInterval(Double(processingMs) / 1000)
        var output: ImageOutput?
        if !failed {
            let key = image.id.uuidString.lowercased()
            await storage.put(key: key, data: Data([0xFF, 0xD8, 0xFF, UInt8(index)]), contentType: "image/jpeg")
            output = ImageOutput(width: 100, height: 50, bytes: 4, contentType: "image/jpeg", storageKey: key)
        }
        let outcome = ResizeOutcome(
            jobID: job, imageID: image.id, startedAt: startedAt, finishedAt: finishedAt,
            error: failed ? ImageFailure(code: "http_status", message: "the image server answered 404") : nil)
        if case .recorded(jobFinished: true) = try await store.record(outcome, output: output) { await waiter.wake(job) }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
