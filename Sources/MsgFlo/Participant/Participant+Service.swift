import ServiceLifecycle

extension Participant: Service {
    /// Starts, serves until a graceful shutdown (SIGTERM in a `ServiceGroup`)
    /// or cancellation, then `stop()`s: no new deliveries, running handlers
    /// drain within `drainGrace`, the transport disconnects. A shutdown while
    /// it is still connecting ends it without error.
    public func run() async throws {
        try await run(whenStarted: {})
    }

    /// `run()`, calling `whenStarted` once messages can arrive (to send initial
    /// packets, say it is ready). If `whenStarted` throws, the participant stops.
    public func run(whenStarted: @escaping @Sendable () async throws -> Void) async throws {
        do {
            try await cancelWhenGracefulShutdown { try await self.start() }
        } catch is CancellationError {
            // Shut down (or cancelled) before it was up; start() has disconnected.
            return
        }
        do {
            try await whenStarted()
        } catch {
            await stop()
            throw error
        }
        // Returns on graceful shutdown; throws (ignored) on cancellation.
        try? await gracefulShutdown()
        await stop()
    }
}
