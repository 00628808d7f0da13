import ServiceLifecycle

extension LocalFormation: Service {
    /// Keeps the formation's processes running until a graceful shutdown (or
    /// cancellation), then stops them all: SIGTERM, SIGKILL after the grace.
    public func run() async throws {
        try? await gracefulShutdown()
        output("stopping all processes")
        await stopAll()
    }
}
