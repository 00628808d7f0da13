import Foundation
import MsgFlo

/// An error answer of the HTTP API: `{"error":{"code","message","details"}}`.
///
/// `code` is stable and machine-readable; `message` tells the user what to do;
/// `details` lists per-field problems (for 422).
public struct APIError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct FieldProblem: Codable, Sendable, Equatable {
        /// A JSON path into the request, e.g. `images[2].width`.
        public var field: String
        public var problem: String
        public init(field: String, problem: String) {
            self.field = field
            self.problem = problem
        }
    }

    public var status: Int
    public var code: String
    public var message: String
    public var details: [FieldProblem]
    /// Seconds a client should wait before trying again (`Retry-After`), for
    /// answers that say "not now" rather than "not this".
    public var retryAfterSeconds: Int?

    public init(status: Int, code: String, message: String, details: [FieldProblem] = [], retryAfterSeconds: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { "\(status) \(code): \(message)" }

    public var body: Data {
        struct Envelope: Encodable {
            struct Inner: Encodable {
                var code: String
                var message: String
                var details: [FieldProblem]
            }
            var error: Inner
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(Envelope(error: .init(code: code, message: message, details: details)))) ?? Data()
    }
}

extension APIError {
    public static func badJSON(_ reason: String) -> APIError {
        APIError(status: 400, code: "bad_json", message: "The request body is not valid JSON: \(reason)")
    }
    public static let unsupportedMediaType = APIError(
        status: 415, code: "unsupported_media_type", message: "Send the request body as Content-Type: application/json.")
    public static func invalid(_ details: [FieldProblem]) -> APIError {
        APIError(
            status: 422, code: "invalid_request",
            message: "The request has \(details.count) invalid field(s); see details.", details: details)
    }
    public static func notFound(_ what: String) -> APIError {
        APIError(status: 404, code: "not_found", message: "\(what) does not exist.")
    }
    public static func tooManyImages(_ count: Int, limit: Int) -> APIError {
        APIError(
            status: 413, code: "too_many_images",
            message: "A job may have at most \(limit) images; this one has \(count). Split it into several jobs.")
    }
    public static let unauthorized = APIError(
        status: 401, code: "unauthorized", message: "Send the API token as Authorization: Bearer TOKEN.")
    public static func unavailable(_ reason: String) -> APIError {
        APIError(status: 503, code: "unavailable", message: "\(reason) Try again shortly.", retryAfterSeconds: 5)
    }
    /// A job whose messages could not be published: 503 when the broker may
    /// take them later (unreachable, no confirm in time), 503
    /// `bindings_missing` when no queue is bound to the web's outport (a
    /// broker the graph was not set up on yet: the operator's fix, then the
    /// same request succeeds), 500 `broker_refused` with the broker's code
    /// when it refuses them for good (the deployment needs fixing, not the request).
    public static func publishFailed(_ error: any Error) -> APIError {
        if let refusal = error as? TransportError, refusal.code == .unroutable {
            return APIError(
                status: 503, code: "bindings_missing",
                message:
                    "The job was not created: no queue takes its messages, the graph's bindings are missing on the message broker. "
                    + "The operator must run: msgflo setup graphs/imageresize.fbp. Then try again.",
                retryAfterSeconds: 5)
        }
        if let refusal = error as? TransportError, !refusal.isTransient {
            // The broker's own words (with its address) go to the log only.
            return APIError(
                status: 500, code: "broker_refused",
                message: "The message broker refused the job (\(refusal.code)); it was not created. The service's broker setup needs fixing.")
        }
        return unavailable("The message broker is unreachable; the job was not created.")
    }
}
