import Foundation
import ServiceLifecycle

/// Runs the governor's iterations every `pollInterval` seconds as a `Service`:
/// a graceful shutdown (SIGTERM) ends the wait between polls, and an
/// iteration already running finishes first, so a scale request is never cut
/// off halfway.
public struct GovernorService: Service {
    public let governor: Governor
    /// Seconds between the start of one iteration and the next.
    public let pollInterval: Double
    /// Run one iteration, then return.
    public let oneshot: Bool
    /// Receives each iteration's records (log lines, state file, metrics).
    public let onRecords: @Sendable ([RoleRecord]) -> Void

    public init(
        governor: Governor, pollInterval: Double, oneshot: Bool = false,
        onRecords: @escaping @Sendable ([RoleRecord]) -> Void
    ) {
        self.governor = governor
        self.pollInterval = pollInterval
        self.oneshot = oneshot
        self.onRecords = onRecords
    }

    public func run() async throws {
        let interval = Duration.milliseconds(Int64((min(max(pollInterval, 0), 86_400) * 1000).rounded()))
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            onRecords(await governor.iterate())
            if oneshot { return }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return // shut down (or cancelled) while waiting for the next poll
            }
        }
    }
}
