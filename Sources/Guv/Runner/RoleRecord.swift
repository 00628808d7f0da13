import Foundation

/// What happened to one role in one iteration: the state record guv emitted, as JSON.
public struct RoleRecord: Codable, Equatable, Sendable {
    public var time: Date
    public var role: String
    public var app: String?
    public var worker: String
    public var queue: String
    public var policy: PolicyKind
    public var messages: Int?
    public var ready: Int?
    public var unacked: Int?
    public var consumers: Int?
    public var publishRate: Double?
    public var ackRate: Double?
    public var estimate: Int?
    public var current: Int?
    /// The quantity set (or that would be set in a dry run); nil = keep current.
    public var new: Int?
    public var dryRun: Bool
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case time, role, app, worker, queue, policy, messages, ready, unacked, consumers
        case publishRate = "publish_rate"
        case ackRate = "ack_rate"
        case estimate, current, new
        case dryRun = "dry_run"
        case error
    }

    /// One human log line.
    public var logLine: String {
        var line = "role=\(role) queue=\(queue)"
        if let messages { line += " messages=\(messages)" }
        if let publishRate, let ackRate { line += String(format: " fill=%.2f/s drain=%.2f/s", publishRate, ackRate) }
        if let consumers { line += " consumers=\(consumers)" }
        if let estimate { line += " estimate=\(estimate)" }
        line += " current=\(current.map(String.init) ?? "?")"
        line += " new=\(new.map(String.init) ?? "keep")"
        if dryRun { line += " (dry run)" }
        if let error { line += " error=\"\(error)\"" }
        return line
    }

    public var jsonLine: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
