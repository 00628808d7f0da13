import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// How every long-running process of the package runs its services: one
/// `ServiceGroup`, shut down gracefully on SIGTERM or SIGINT. This is the only
/// place in the package that handles those signals.
///
/// A signal starts a graceful shutdown in reverse order of `services`, one
/// service at a time: list what takes new work last (the HTTP server), what
/// it depends on first (the participant that publishes for it), so work stops
/// coming in, in-flight work drains, and connections close last. A service
/// that returns or throws shuts the others down the same way (clean-up on
/// every error path), and its error is rethrown. A shutdown that takes longer
/// than `gracePeriod` (Heroku kills 30 s after SIGTERM) is escalated to
/// cancellation, and a cancellation that takes longer than 5 s ends the process.
///
/// The signals are trapped before any service runs, so a service may announce
/// itself (a launcher reads its first line and may SIGTERM it right away).
package enum ProcessLifecycle {
    /// Below Heroku's 30 s between SIGTERM and SIGKILL.
    package static let defaultGracePeriod: Duration = .seconds(28)

    /// What a second SIGTERM/SIGINT during the shutdown does.
    package enum SecondSignal: Sendable {
        /// Nothing: the shutdown goes on. Right for services: a Ctrl-C reaches
        /// a whole process group, so the children of `msgflo setup
        /// --participants` or of a local formation get it from the terminal
        /// and SIGTERM from their parent, and must still drain.
        case keepShuttingDown
        /// Exit at once (status 128 + signal): for interactive tools, "Ctrl-C again to quit".
        case exit
    }

    /// Runs `services` until SIGTERM/SIGINT or until one of them ends.
    package static func run(
        _ services: [any Service], logger: Logger, gracePeriod: Duration? = defaultGracePeriod,
        onSecondSignal: SecondSignal = .keepShuttingDown
    ) async throws {
        var configuration = ServiceGroupConfiguration(
            services: services.map {
                .init(
                    service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                    failureTerminationBehavior: .gracefullyShutdownGroup)
            },
            logger: logger)
        configuration.maximumGracefulShutdownDuration = gracePeriod
        configuration.maximumCancellationDuration = .seconds(5)
        let group = ServiceGroup(configuration: configuration)
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                var received = 0
                for await signal in signals {
                    received += 1
                    if received == 1 {
                        logger.info("received \(signal): shutting down")
                        await group.triggerGracefulShutdown()
                    } else if onSecondSignal == .exit {
                        logger.warning("received \(signal) again: exiting now")
                        Foundation.exit(128 + signal.rawValue)
                    } else {
                        logger.info("received \(signal) again: still shutting down")
                    }
                }
            }
            try await group.run()
            tasks.cancelAll()
        }
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
