import Foundation

/// The service's two HTTP API dialects.
public enum JobAPI: String, Sendable, Hashable, Codable, CaseIterable {
    /// This project's API: `POST /jobs`, then `GET /jobs/{id}?wait=SECONDS`
    /// long-polls until the job is finished or the wait is over.
    case jobs
    /// The 2017 msgflo demo's API: `POST /resize` (202 + Location `/job/{id}`),
    /// then `GET /job/{id}` answers 201 while pending and 200 when done.
    case original
}

/// What one status response says about a job.
public enum JobPoll: Sendable, Hashable {
    case pending
    case finished(JobOutcome)
}

/// Reads job status responses. Pure, so each dialect's rules are table-tested
/// without a server.
///
/// `.original`: 201 = pending, 200 = finished. `.jobs`: 202 = pending; on 200
/// a `status` field decides (`pending`, `queued`, `running`, `processing` →
/// pending; `completed`, `done`, `succeeded` → completed; `failed`, `partial` → failed);
/// without one, a job-level `completed_at` or `failed_at` means finished, and
/// otherwise the job is finished when every image has one of them. In both
/// dialects a finished job with an image that failed (an `error` or a
/// `failed_at`) is a failed job.
public enum JobStatusReading {
    public static func interpret(statusCode: Int, body: Data, api: JobAPI) throws(JobClientError) -> JobPoll {
        switch (api, statusCode) {
        case (.original, 201), (.jobs, 202):
            return .pending
        case (_, 200):
            break
        default:
            throw JobClientError.httpStatus(statusCode, body: String(decoding: body.prefix(500), as: UTF8.self))
        }
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw JobClientError.invalidResponse("the job status is not a JSON object: \(String(decoding: body.prefix(200), as: UTF8.self))")
        }
        let images = object["images"] as? [[String: Any]] ?? []
        let imageFailure = images.lazy.compactMap(failureMessage(of:)).first
        if api == .original {
            return .finished(imageFailure.map { .failed(message: $0) } ?? .completed)
        }
        if let status = (object["status"] as? String)?.lowercased() {
            switch status {
            case "pending", "queued", "running", "processing", "accepted":
                return .pending
            case "completed", "done", "succeeded", "success":
                return .finished(imageFailure.map { .failed(message: $0) } ?? .completed)
            case "failed", "error":
                return .finished(.failed(message: imageFailure ?? failureMessage(of: object) ?? "the job failed"))
            case "partial":
                // The image-resize service: all images finished, some failed.
                return .finished(.failed(message: imageFailure ?? "some images of the job failed"))
            default:
                throw JobClientError.invalidResponse("unknown job status '\(status)'")
            }
        }
        if isSet(object["failed_at"]) {
            return .finished(.failed(message: imageFailure ?? failureMessage(of: object) ?? "the job failed"))
        }
        let imagesFinished = !images.isEmpty && images.allSatisfy { isSet($0["completed_at"]) || isSet($0["failed_at"]) }
        if isSet(object["completed_at"]) || imagesFinished {
            return .finished(imageFailure.map { .failed(message: $0) } ?? .completed)
        }
        return .pending
    }

    /// The error message of a failed image or job, if it failed.
    static func failureMessage(of object: [String: Any]) -> String? {
        if let error = object["error"] as? [String: Any] {
            return error["message"] as? String ?? "failed"
        }
        if let error = object["error"] as? String { return error }
        if isSet(object["failed_at"]) { return "failed" }
        return nil
    }

    private static func isSet(_ value: Any?) -> Bool {
        guard let value else { return false }
        return !(value is NSNull)
    }

    /// The job id from a submission response: the body's `id`, else the last
    /// path component of the Location header.
    public static func jobHandle(statusCode: Int, body: Data, location: String?, api: JobAPI) throws(JobClientError) -> JobHandle {
        guard (200..<300).contains(statusCode) else {
            throw JobClientError.httpStatus(statusCode, body: String(decoding: body.prefix(500), as: UTF8.self))
        }
        if let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any], let id = object["id"] {
            return JobHandle(id: "\(id)", location: location)
        }
        if let location, let id = location.split(separator: "/").last.map(String.init), !id.isEmpty {
            return JobHandle(id: id, location: location)
        }
        throw JobClientError.invalidResponse("HTTP \(statusCode) without a job id in the body nor a Location header")
    }
}
