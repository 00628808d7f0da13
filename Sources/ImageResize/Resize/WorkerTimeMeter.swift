import Foundation
import Logging
import MsgFlo
import Primitives
import Synchronization

/// A worker's own account of its time: how long it has been alive and how
/// many of its slots were busy for how long, so that utilization (busy
/// slot-seconds / (alive seconds x slots), the figure guv's simulator
/// reports) can be measured on a real stack instead of assumed.
///
/// A handler waiting for a slot (a download-ahead message) does not count:
/// busy time integrates min(running handlers, slots).
public final class WorkerTimeMeter: Sendable {
    public let slots: Int
    private let started: ContinuousClock.Instant
    private let state: Mutex<State>

    private struct State {
        var running = 0
        var busySlotSeconds = 0.0
        var since: ContinuousClock.Instant
    }

    public init(slots: Int, now: ContinuousClock.Instant = .now) {
        self.slots = max(1, slots)
        started = now
        state = Mutex(State(since: now))
    }

    /// A handler started (`delta` 1) or ended (-1) at `now`.
    public func change(by delta: Int, now: ContinuousClock.Instant = .now) {
        let slots = slots
        state.withLock { state in
            state.busySlotSeconds += Double(min(state.running, slots)) * (now - state.since).seconds
            state.running = max(0, state.running + delta)
            state.since = now
        }
    }

    /// Seconds alive and busy slot-seconds up to `now`.
    public func totals(now: ContinuousClock.Instant = .now) -> (alive: Double, busySlotSeconds: Double) {
        let slots = slots
        return state.withLock { state in
            (
                (now - started).seconds,
                state.busySlotSeconds + Double(min(state.running, slots)) * (now - state.since).seconds
            )
        }
    }

    /// `handler`, with its running time counted.
    public func measuring(_ handler: @escaping Participant.RawHandler) -> Participant.RawHandler {
        { [self] inport, message, output in
            change(by: 1)
            defer { change(by: -1) }
            try await handler(inport, message, output)
        }
    }

    /// One log line with the totals: `benchmarks/guv/real` reads it from every worker that stopped.
    public func log(to logger: Logger) {
        let (alive, busy) = totals()
        logger.info(
            "worker time",
            metadata: [
                "alive_s": "\(String(format: "%.2f", alive))", "busy_slot_s": "\(String(format: "%.2f", busy))",
                "slots": "\(slots)", "utilization": "\(String(format: "%.3f", alive > 0 ? busy / (alive * Double(slots)) : 0))",
            ])
    }
}
