import Foundation
import Logging
import Synchronization

/// One log line as a test reads it.
public struct LogRecord: Sendable {
    public var time: Date
    public var level: Logger.Level
    public var label: String
    public var message: String
    /// The logger's metadata merged with the line's own.
    public var metadata: Logger.Metadata

    /// `level: message key=value ...`, keys sorted: what the tests search.
    public var line: String {
        let fields = metadata.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        return "\(level): \(message)\(fields)"
    }

    init(label: String, event: LogEvent, handlerMetadata: Logger.Metadata) {
        time = Date()
        level = event.level
        self.label = label
        message = event.message.description
        metadata = handlerMetadata.merging(event.metadata ?? [:]) { $1 }
    }
}

/// Keeps the lines of the loggers it makes, for tests that check what an
/// operator would read (a redacted URL, an access-log line, a retry warning).
/// The one capturing log handler of the tests; `LogsOnFailureTrait` keeps
/// every other line out of sight unless the test fails.
public final class LogRecorder: Sendable {
    private let stored = Mutex<[LogRecord]>([])

    public init() {}

    /// A logger whose lines (from `level` up) this recorder keeps.
    public func logger(label: String = "test", level: Logger.Level = .trace) -> Logger {
        var logger = Logger(label: label) { label in RecordingLogHandler(label: label, recorder: self) }
        logger.logLevel = level
        return logger
    }

    public var records: [LogRecord] { stored.withLock { $0 } }
    /// `level: message key=value ...` of each line.
    public var lines: [String] { records.map(\.line) }
    public var messages: [String] { records.map(\.message) }
    /// Every line, newline-separated, for `contains` checks and failure comments.
    public var text: String { lines.joined(separator: "\n") }

    func append(_ record: LogRecord) { stored.withLock { $0.append(record) } }
}

/// The handler behind `LogRecorder.logger(label:level:)`.
struct RecordingLogHandler: LogHandler {
    let label: String
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        recorder.append(LogRecord(label: label, event: event, handlerMetadata: metadata))
    }
}
