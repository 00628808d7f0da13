import Foundation
import MsgFlo
import TestSupport
import Testing
import Vips

@testable import ImageResize

private func parse(_ text: String) -> JSONValue { try! JSONValue(parsing: Data(text.utf8)) }

@Suite(.logsOnFailure) struct JobRequestValidatorTests {
    let limits = JobLimits(maxImagesPerJob: 3, maxDimension: 2000)

    @Test(arguments: [
        (
            #"{"images":[{"url":"http://a.example/x.jpg","width":300}]}"#,
            [ImageSpec(url: "http://a.example/x.jpg", width: 300, height: nil)]
        ),
        (
            #"{"images":[{"input":"https://a.example/x.jpg","width":400,"height":400,"format":"png","policy":"max","operation":"resize"}]}"#,
            [ImageSpec(url: "https://a.example/x.jpg", width: 400, height: 400, fit: .inside, format: .png)]
        ),
        (
            #"{"images":[{"url":"http://a/1","width":10,"height":20,"fit":"cover","format":"webp","quality":50},{"url":"http://a/2","height":5,"format":"jpg"}]}"#,
            [
                ImageSpec(url: "http://a/1", width: 10, height: 20, fit: .cover, format: .webp, quality: 50),
                ImageSpec(url: "http://a/2", width: nil, height: 5, format: .jpeg),
            ]
        ),
        (
            #"{"images":[{"url":"http://a/1","width":10,"height":20,"policy":"crop"}]}"#,
            [ImageSpec(url: "http://a/1", width: 10, height: 20, fit: .cover)]
        ),
    ])
    func accepts(body: String, expected: [ImageSpec]) throws {
        let specs = try JobRequestValidator.validate(parse(body), limits: limits).get()
        #expect(specs == expected)
    }

    @Test(arguments: [
        (#"[]"#, 422, [""]),
        (#"{}"#, 422, ["images"]),
        (#"{"images":{}}"#, 422, ["images"]),
        (#"{"images":[]}"#, 422, ["images"]),
        (#"{"images":[1,2,3,4]}"#, 413, []),
        (#"{"images":[{"url":"http://a/1","width":1}],"extra":1}"#, 422, ["extra"]),
        (#"{"images":[5]}"#, 422, ["images[0]"]),
        (#"{"images":[{"width":10}]}"#, 422, ["images[0].url"]),
        (#"{"images":[{"url":"ftp://a/1","width":10}]}"#, 422, ["images[0].url"]),
        (#"{"images":[{"url":"http://","width":10}]}"#, 422, ["images[0].url"]),
        (#"{"images":[{"url":7,"width":10}]}"#, 422, ["images[0].url"]),
        (#"{"images":[{"url":"http://a/1","input":"http://a/2","width":10}]}"#, 422, ["images[0].url"]),
        (#"{"images":[{"url":"http://a/1"}]}"#, 422, ["images[0].width"]),
        (#"{"images":[{"url":"http://a/1","width":0}]}"#, 422, ["images[0].width"]),
        (#"{"images":[{"url":"http://a/1","width":2001}]}"#, 422, ["images[0].width"]),
        (#"{"images":[{"url":"http://a/1","width":1.5}]}"#, 422, ["images[0].width"]),
        (#"{"images":[{"url":"http://a/1","height":"10"}]}"#, 422, ["images[0].height"]),
        (#"{"images":[{"url":"http://a/1","width":10,"fit":"stretch"}]}"#, 422, ["images[0].fit"]),
        (#"{"images":[{"url":"http://a/1","width":10,"fit":"cover"}]}"#, 422, ["images[0].height"]),
        (#"{"images":[{"url":"http://a/1","width":10,"format":"gif"}]}"#, 422, ["images[0].format"]),
        (#"{"images":[{"url":"http://a/1","width":10,"quality":0}]}"#, 422, ["images[0].quality"]),
        (#"{"images":[{"url":"http://a/1","width":10,"quality":101}]}"#, 422, ["images[0].quality"]),
        (#"{"images":[{"url":"http://a/1","width":10,"policy":"min"}]}"#, 422, ["images[0].policy"]),
        (#"{"images":[{"url":"http://a/1","width":10,"operation":"rotate"}]}"#, 422, ["images[0].operation"]),
        (#"{"images":[{"url":"http://a/1","width":10,"colour":"red"}]}"#, 422, ["images[0].colour"]),
        (#"{"images":[{"url":"http://a/1","width":0},{"url":"nope","width":10}]}"#, 422, ["images[0].width", "images[1].url"]),
    ])
    func rejects(body: String, status: Int, fields: [String]) {
        guard case .failure(let error) = JobRequestValidator.validate(parse(body), limits: limits) else {
            Issue.record("accepted \(body)")
            return
        }
        #expect(error.status == status)
        #expect(error.details.map(\.field) == fields)
        #expect(!error.message.isEmpty)
    }

    @Test func errorBodyShape() throws {
        let error = APIError.invalid([.init(field: "images[0].url", problem: "is required")])
        let json = try JSONValue(parsing: error.body)
        #expect(
            json == [
                "error": [
                    "code": "invalid_request", "message": .string(error.message),
                    "details": [["field": "images[0].url", "problem": "is required"]],
                ]
            ])
    }
}

@Suite(.logsOnFailure) struct JobStatusTests {
    @Test(arguments: [
        (3, 0, 0, JobStatus.pending), (3, 2, 0, .pending), (3, 1, 1, .pending),
        (3, 3, 0, .completed), (3, 0, 3, .failed), (3, 2, 1, .partial), (1, 1, 0, .completed),
    ])
    func derivation(total: Int, completed: Int, failed: Int, expected: JobStatus) {
        #expect(JobStatus(total: total, completed: completed, failed: failed) == expected)
    }
}

@Suite(.logsOnFailure) struct ServiceConfigTests {
    @Test func defaultsAndOverrides() throws {
        let config = try ServiceConfig(environment: [
            "PORT": "9000", "IMAGERESIZE_RESIZE_CONCURRENT": "5", "IMAGERESIZE_ALLOW_HOSTS": "localhost:8089, img",
            "CLOUDAMQP_URL": "amqp://u:p@h/v",
        ])
        #expect(config.port == 9000)
        #expect(config.resizeConcurrency == 5)
        #expect(config.allowHosts == ["localhost:8089", "img"])
        #expect(config.brokerURL == "amqp://u:p@h/v")
        #expect(config.downloadAhead == 1)
        #expect(try ServiceConfig(environment: ["IMAGERESIZE_DOWNLOAD_AHEAD": "0"]).downloadAhead == 0)
        #expect(config.prunesProgressiveJPEGScans)
        #expect(try !ServiceConfig(environment: ["IMAGERESIZE_PRUNE_PROGRESSIVE_JPEG": "0"]).prunesProgressiveJPEGScans)
        #expect(try ServiceConfig(environment: ["IMAGERESIZE_PRUNE_PROGRESSIVE_JPEG": "true"]).prunesProgressiveJPEGScans)
        #expect(try ServiceConfig(environment: [:]) == ServiceConfig())
        #expect(config.workerPriority == .normal)
        #expect(try ServiceConfig(environment: ["IMAGERESIZE_WORKER_PRIORITY": "Idle"]).workerPriority == .idle)
    }

    @Test func imageLimits() throws {
        let defaults = ServiceConfig()
        #expect(defaults.inputFormats == [.jpeg, .png, .webp, .gif])
        #expect(defaults.maxImageMemory == 100 << 20)
        #expect(defaults.resizeCPUSeconds == 10)
        let config = try ServiceConfig(environment: [
            "IMAGERESIZE_INPUT_FORMATS": "jpg, PNG,tiff,heic", "IMAGERESIZE_MAX_IMAGE_MEMORY": "52428800",
            "IMAGERESIZE_RESIZE_CPU_SECONDS": "2.5",
        ])
        #expect(config.inputFormats == [.jpeg, .png, .tiff, .heif])
        #expect(config.maxImageMemory == 50 << 20)
        #expect(config.resizeCPUSeconds == 2.5)
        let processor = try ResizeProcessor(config: config)
        #expect(processor.thumbnailer.acceptedFormats == config.inputFormats)
        #expect(processor.thumbnailer.maxMemoryBytes == 50 << 20)
        #expect(processor.thumbnailer.cpuSecondsPerImage == 2.5)
    }

    @Test(arguments: [
        ("PORT", "http"), ("PORT", "70000"), ("IMAGERESIZE_MAX_IMAGES", "0"), ("IMAGERESIZE_RESIZE_TIMEOUT", "-1"),
        ("IMAGERESIZE_DOWNLOAD_AHEAD", "65"), ("IMAGERESIZE_DOWNLOAD_AHEAD", "-1"),
        ("IMAGERESIZE_PRUNE_PROGRESSIVE_JPEG", "maybe"), ("IMAGERESIZE_MAX_WAIT", "1e300"),
        ("IMAGERESIZE_PUBLISH_TIMEOUT", "86401"), ("IMAGERESIZE_MAX_WAIT", "nan"), ("IMAGERESIZE_MAX_WAIT", "inf"),
        ("IMAGERESIZE_INPUT_FORMATS", "jpeg,svg"), ("IMAGERESIZE_INPUT_FORMATS", ","),
        ("IMAGERESIZE_MAX_IMAGE_MEMORY", "1000"), ("IMAGERESIZE_MAX_IMAGE_MEMORY", "9223372036854775807"),
        ("IMAGERESIZE_RESIZE_CPU_SECONDS", "0"), ("IMAGERESIZE_RESIZE_CPU_SECONDS", "1e308"),
        ("IMAGERESIZE_WORKER_PRIORITY", "low"),
    ])
    func rejectsBadValues(name: String, value: String) {
        #expect(throws: ServiceConfigError.self) { try ServiceConfig(environment: [name: value]) }
    }
}

@Suite(.logsOnFailure) struct ResizeMessagesTests {
    @Test func requestRoundTrips() throws {
        let request = ResizeRequest(
            jobID: UUID(), imageID: UUID(),
            spec: ImageSpec(url: "http://a/1", width: 10, height: nil),
            createdAt: Date(timeIntervalSince1970: 1_700_000_000.25))
        let decoded = try ResizeRequest.decode(request.encoded())
        #expect(decoded.jobID == request.jobID)
        #expect(decoded.spec == request.spec)
        #expect(abs(decoded.createdAt.timeIntervalSince(request.createdAt)) < 0.001)
        let json = try JSONValue(parsing: request.encoded())
        #expect(json["created_at"] == "2023-11-14T22:13:20.250Z")
        #expect(json["image"]?["url"] == "http://a/1")
    }
}

@Suite(.logsOnFailure) struct JobViewTests {
    @Test func pendingJobHasOneShapeWithNullsAndLowercaseIDs() throws {
        let jobID = UUID()
        let imageID = UUID()
        let created = Date(timeIntervalSince1970: 1_800_000_000)
        let job = JobRecord(
            id: jobID, createdAt: created, updatedAt: created,
            images: [
                ImageRecord(
                    id: imageID, position: 0, spec: ImageSpec(url: "http://a/1", width: 10, height: nil),
                    createdAt: created)
            ])
        let json = try JSONValue(parsing: JobView(job).encoded())
        #expect(json["id"] == .string(jobID.uuidString.lowercased()))
        #expect(json["status"] == "pending")
        #expect(json["completed_at"] == .null && json["failed_at"] == .null && json["duration_ms"] == .null)
        let image = try #require(json["images"]?.arrayValue?.first)
        #expect(image["id"] == .string(imageID.uuidString.lowercased()))
        #expect(image["status"] == "queued")
        #expect(image["started_at"] == .null && image["result"] == .null && image["error"] == .null && image["height"] == .null)
    }

    /// Durations between any two stored times, and cursors of any stored job, without trapping.
    /// Seconds since 1970, not dates: Foundation's `Date.description` itself traps on 1e300.
    @Test(
        arguments: [
            (Date.distantPast.timeIntervalSince1970, Date.distantFuture.timeIntervalSince1970), (-1e300, 1e300), (5, 1),
            (0, .nan),
        ] as [(Double, Double)])
    func durationsAndCursorsOfExtremeTimes(_ startSeconds: Double, _ endSeconds: Double) throws {
        let start = Date(timeIntervalSince1970: startSeconds)
        let end = Date(timeIntervalSince1970: endSeconds)
        let milliseconds = JobView.milliseconds(from: start, to: end)
        #expect(milliseconds >= 0 && milliseconds <= 1_000_000_000_000_000)
        for date in [start, end] {
            let cursor = WebAPI.encodeCursor(JobRecord(id: UUID(), createdAt: date, updatedAt: date, images: []))
            #expect(WebAPI.decodeCursor(cursor) != nil, Comment(rawValue: cursor))
        }
    }
}

/// `since` and every date in messages: strict ISO 8601, each field in range.
@Suite(.logsOnFailure) struct TimestampsTests {
    @Test(arguments: [
        ("2026-01-31T12:00:00Z", 1_769_860_800.0),
        ("2026-01-31T12:00:00.5Z", 1_769_860_800.5),
        ("2026-01-31t12:00:00.123456789z", 1_769_860_800.123456789),
        ("2026-01-31T13:30:00+01:30", 1_769_860_800.0),
        ("2026-01-31T10:00:00-0200", 1_769_860_800.0),
        ("2024-02-29T00:00:00Z", 1_709_164_800.0),
        ("0001-01-01T00:00:00Z", -62_135_596_800.0),
        ("9999-12-31T23:59:59Z", 253_402_300_799.0),
    ])
    func parses(_ text: String, _ seconds: Double) throws {
        let date = try #require(Timestamps.parse(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_001)
    }

    @Test(arguments: [
        "", "2026-01-31", "2026-01-31T12:00:00", "2026-01-31 12:00:00Z", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z",
        "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-01-31T24:00:00Z", "2026-01-31T12:60:00Z", "2026-01-31T12:00:60Z",
        "0000-01-01T00:00:00Z", "99999-01-01T00:00:00Z", "-2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z_x", " 2026-01-01T00:00:00Z",
        "2026-01-01T00:00:00.Z", "2026-01-01T00:00:00+24:00", "2026-01-01T00:00:00+01:60", "2026-01-01T00:00:00+1",
        "2026-01-01T00:00:00Z\u{0}", "２026-01-01T00:00:00Z", "2026-01-01T00:00:00.1234567890Z",
    ])
    func refuses(_ text: String) {
        #expect(Timestamps.parse(text) == nil)
    }

    @Test func formatRoundTrips() throws {
        let date = Date(timeIntervalSince1970: 1_780_000_000.125)
        let parsed = try #require(Timestamps.parse(Timestamps.format(date)))
        #expect(parsed == date)
    }
}
