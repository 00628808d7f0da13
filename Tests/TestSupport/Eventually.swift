import Foundation

/// A test waited longer than its safety limit for something that never came.
public struct TestTimeout: Error, CustomStringConvertible {
    public var what: String
    public init(what: String) { self.what = what }
    public var description: String { "timed out waiting for \(what)" }
}

/// Polls `condition` until it holds or `timeout` passes, and says whether it
/// held: the one waiting loop of the tests. The timeout bounds how long a
/// broken test hangs; it is never an assertion about speed.
///
/// Polls quickly at first (2 ms) and backs off to `every`, so an in-process
/// condition is seen at once and a slow one (a management API call, a child
/// process) is not hammered.
public func eventually(
    timeout: Duration = .seconds(60), every interval: Duration = .milliseconds(100),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    var pause = min(Duration.milliseconds(2), interval)
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        // A cancelled test (its time limit passed) stops waiting; the last check below still runs.
        do { try await Task.sleep(for: pause) } catch { break }
        pause = min(pause * 2, interval)
    }
    return try await condition()
}

/// `eventually`, for a wait the rest of the test cannot do without: throws
/// `TestTimeout` naming `what` when the condition never held.
public func waitUntil(
    _ what: String, timeout: Duration = .seconds(60), every interval: Duration = .milliseconds(100),
    _ condition: () async throws -> Bool
) async throws {
    guard try await eventually(timeout: timeout, every: interval, condition) else { throw TestTimeout(what: what) }
}

/// `eventually` for a value: polls `probe` until it returns one (a probe that
/// throws counts as no value yet), or throws `TestTimeout` naming `what`.
public func waitForValue<Value>(
    _ what: String, timeout: Duration = .seconds(60), every interval: Duration = .milliseconds(100),
    _ probe: () async throws -> Value?
) async throws -> Value {
    var value: Value?
    try await waitUntil(what, timeout: timeout, every: interval) {
        value = try? await probe()
        return value != nil
    }
    guard let value else { throw TestTimeout(what: what) }
    return value
}
