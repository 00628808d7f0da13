import Logging
import ServiceLifecycle

/// How every long-running process of the package runs its services: one
/// `ServiceGroup`, the only place that handles SIGTERM and SIGINT.
///
/// A signal starts a graceful shutdown in reverse order of `services`, one
/// service at a time: list what takes new work last (the HTTP server), what
/// it depends on first (the participant that publishes for it), so work stops
/// coming in, in-flight work drains, and connections close last. A service
/// that returns or throws shuts the others down the same way (clean-up on
/// every error path), and its error is rethrown. A shutdown that takes longer
/// than `gracePeriod` (Heroku kills 30 s after SIGTERM) is escalated to
/// cancellation, and a cancellation that takes longer than 5 s ends the
/// process. Nothing else in the package installs signal handlers.
///
/// A second signal during the shutdown is ignored rather than forcing an exit:
/// a Ctrl-C reaches a whole process group, so children (participants started
/// by `msgflo setup --participants`, a local formation's processes) get it
/// from the terminal and then SIGTERM from their parent, and must still drain.
package enum ProcessLifecycle {
    /// Below Heroku's 30 s between SIGTERM and SIGKILL.
    package static let defaultGracePeriod: Duration = .seconds(28)

    /// Runs `services` until SIGTERM/SIGINT or until one of them ends.
    package static func run(_ services: [any Service], logger: Logger,
                            gracePeriod: Duration = defaultGracePeriod) async throws {
        var configuration = ServiceGroupConfiguration(
            services: services.map {
                .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                      failureTerminationBehavior: .gracefullyShutdownGroup)
            },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        configuration.maximumGracefulShutdownDuration = gracePeriod
        configuration.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: configuration).run()
    }
}

/// A service that only waits: on graceful shutdown (or cancellation) it runs
/// `action` and returns. Places something that is not a `Service` (a server
/// with start/stop calls) in a `ProcessLifecycle` order.
package struct ShutdownAction: Service {
    private let action: @Sendable () async -> Void

    package init(_ action: @escaping @Sendable () async -> Void) {
        self.action = action
    }

    package func run() async throws {
        try? await gracefulShutdown()
        await action()
    }
}
