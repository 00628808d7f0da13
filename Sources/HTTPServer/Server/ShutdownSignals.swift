import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGTERM/SIGINT into a call, using Dispatch signal sources so that the
/// action runs on an ordinary thread rather than in a signal handler. Keep the
/// returned value alive as long as the signals should be handled.
///
/// The initializer returns only once every source is registered, so a signal
/// sent right after it is never missed (or, worse, left to its default action).
public final class ShutdownSignals: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]

    public init(signals: [Int32] = [SIGTERM, SIGINT], _ action: @escaping @Sendable (Int32) -> Void) {
        let registered = DispatchSemaphore(value: 0)
        sources = signals.map { number in
            #if canImport(Darwin)
            // Darwin delivers to kqueue alongside, but below, signal(): ignore it there.
            // On Linux, Dispatch installs its own handling when the source registers.
            signal(number, SIG_IGN)
            #endif
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { action(number) }
            source.setRegistrationHandler { registered.signal() }
            source.resume()
            return source
        }
        for _ in sources { _ = registered.wait(timeout: .now() + 5) }
    }

    deinit {
        sources.forEach { $0.cancel() }
    }
}

extension HTTPServer {
    /// Shuts this server down gracefully on SIGTERM or SIGINT (what Heroku and
    /// Ctrl-C send). Keep the returned value alive while the server runs.
    public func shutdownOnSignals(_ signals: [Int32] = [SIGTERM, SIGINT]) -> ShutdownSignals {
        let logger = logger
        return ShutdownSignals(signals: signals) { [self] number in
            logger.info("received signal \(number): shutting down")
            shutdown()
        }
    }
}
