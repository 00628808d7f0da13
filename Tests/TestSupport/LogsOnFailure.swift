import Foundation
import Logging
import Synchronization
import Testing

/// Quiet test output: every suite carries `.logsOnFailure`, which holds back
/// the log lines of each test and prints them only when that test fails.
///
/// How it works: the first test bootstraps swift-log (once per test process)
/// with `TestLogHandler`, which never prints. For each test case the trait
/// opens a `TestLogCapture` in a task-local value and watches the issues the
/// test records; a line goes to the capture of the task that logs it (child
/// tasks and `Task {}` inherit it), else to the capture of the test that
/// created the logger (lines from a connection's own thread), else to a ring
/// of unattributed lines. When the test records a failure, throws, or is
/// cancelled (its time limit passed), its lines and the unattributed lines of
/// its lifetime are written to standard error after it.
///
/// Environment: `TEST_LOG_LEVEL` (default `info`) is the lowest level kept;
/// `TEST_LOG_LIVE=1` also prints every line as it is logged (to watch a test
/// that hangs). Tests that check log lines make their own logger with
/// `LogRecorder`. Child processes write their output to log files, which
/// `TestLogs.attach` (called by `BuiltExecutable.start`) adds to the report.
public struct LogsOnFailureTrait: TestTrait, SuiteTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        TestLogs.bootstrap()
        // Also on an enclosing suite: the outer scope already captures.
        if TestLogCapture.current != nil { return try await function() }
        let capture = TestLogCapture(name: "\(test.name) (\(test.sourceLocation.fileName):\(test.sourceLocation.line))")
        let watching = IssueHandlingTrait.compactMapIssues { issue in
            if issue.isFailure { capture.markFailed() }
            return issue
        }
        do {
            try await TestLogCapture.$current.withValue(capture) {
                try await watching.provideScope(for: test, testCase: testCase, performing: function)
            }
        } catch {
            capture.markFailed()
            capture.finish()
            throw error
        }
        if Task.isCancelled { capture.markFailed() }
        capture.finish()
    }
}

extension Trait where Self == LogsOnFailureTrait {
    /// Log lines held back, printed only if the test fails (see `LogsOnFailureTrait`).
    public static var logsOnFailure: Self { LogsOnFailureTrait() }
}

/// The log setup of a test process.
public enum TestLogs {
    /// The lowest level kept (`TEST_LOG_LEVEL`, default `info`).
    public static let level: Logger.Level =
        ProcessInfo.processInfo.environment["TEST_LOG_LEVEL"]
        .flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
    /// `TEST_LOG_LIVE=1`: print every line at once as well.
    static let live = ["1", "true", "yes"].contains(ProcessInfo.processInfo.environment["TEST_LOG_LIVE"]?.lowercased() ?? "")

    private static let bootstrapped: Void = LoggingSystem.bootstrap { label in
        TestLogHandler(label: label, owner: TestLogCapture.current)
    }

    /// Shows the end of `file` (a child process's log) in the report of the
    /// current test if it fails, and with `removing` deletes the file when the
    /// test is over; outside a `.logsOnFailure` test, does nothing.
    public static func attach(_ file: URL, as name: String, removing: Bool = false) {
        TestLogCapture.current?.attach(file, as: name, removing: removing)
    }

    /// Routes swift-log through `TestLogHandler`; the trait calls it, and so
    /// may a test that logs before its first `.logsOnFailure` test runs.
    public static func bootstrap() { _ = bootstrapped }

    /// Lines no test owns (logged on a thread by a logger made outside any
    /// test), the last `ringSize`, for the failure report of the tests they
    /// were logged during.
    private static let unattributed = Mutex<[LogRecord]>([])
    private static let ringSize = 2000

    static func keepUnattributed(_ record: LogRecord) {
        unattributed.withLock { ring in
            if ring.count >= ringSize { ring.removeFirst(ringSize / 4) }
            ring.append(record)
        }
    }

    static func unattributed(since start: Date) -> [LogRecord] {
        unattributed.withLock { ring in ring.filter { $0.time >= start } }
    }

    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func format(_ record: LogRecord) -> String {
        "\(timeFormat.format(record.time)) \(record.label) \(record.line)"
    }

    /// `HH:mm:ss.SSS` in UTC, like the process logs.
    private static let timeFormat = Date.ISO8601FormatStyle().time(includingFractionalSeconds: true)
}

/// The lines of one test case, printed when it fails.
final class TestLogCapture: Sendable {
    @TaskLocal static var current: TestLogCapture?

    private struct State {
        var records: [LogRecord] = []
        var dropped = 0
        var open = true
        var failed = false
        var files: [(name: String, url: URL, removing: Bool)] = []
    }

    private static let limit = 5000
    let name: String
    let started = Date()
    private let state = Mutex(State())

    init(name: String) { self.name = name }

    /// False once the test is over: the line then counts as unattributed.
    func append(_ record: LogRecord) -> Bool {
        state.withLock { state in
            guard state.open else { return false }
            if state.records.count >= Self.limit {
                state.records.removeFirst(Self.limit / 5)
                state.dropped += Self.limit / 5
            }
            state.records.append(record)
            return true
        }
    }

    func markFailed() { state.withLock { $0.failed = true } }

    func attach(_ file: URL, as name: String, removing: Bool) { state.withLock { $0.files.append((name, file, removing)) } }

    /// Closes the capture and prints it if the test failed.
    func finish() {
        let (records, dropped, failed, files) = state.withLock { state in
            state.open = false
            return (state.records, state.dropped, state.failed, state.files)
        }
        defer {
            for file in files where file.removing { try? FileManager.default.removeItem(at: file.url) }
        }
        guard failed else { return }
        let others = TestLogs.unattributed(since: started).suffix(500)
        var report = "┌─ log of \(name), which failed (lines: \(records.count)"
        report += (dropped > 0 ? ", and \(dropped) earlier ones dropped)" : ")") + "\n"
        for record in records { report += "│ " + TestLogs.format(record) + "\n" }
        if !others.isEmpty {
            report += "├─ lines from threads no test owns, logged meanwhile (other tests' among them):\n"
            for record in others { report += "│ " + TestLogs.format(record) + "\n" }
        }
        for file in files {
            let lines = ((try? String(contentsOf: file.url, encoding: .utf8)) ?? "(gone)").split(separator: "\n", omittingEmptySubsequences: false)
            report += "├─ \(file.name): \(file.url.path)" + (lines.count > 300 ? ", its last 300 lines" : "") + "\n"
            for line in lines.suffix(300) { report += "│ " + line + "\n" }
        }
        report += "└─ end of log of \(name)\n"
        TestLogs.write(report)
    }
}

/// Sends each line to the capture of the test that logged it (see `LogsOnFailureTrait`).
struct TestLogHandler: LogHandler {
    let label: String
    /// The test during which the logger was made, for lines logged outside any test task.
    let owner: TestLogCapture?
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = TestLogs.level

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let record = LogRecord(label: label, event: event, handlerMetadata: metadata)
        if TestLogs.live { TestLogs.write(TestLogs.format(record) + "\n") }
        if let capture = TestLogCapture.current, capture.append(record) { return }
        if let owner, owner.append(record) { return }
        TestLogs.keepUnattributed(record)
    }
}
