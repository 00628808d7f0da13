import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGTERM/SIGINT into a call, using Dispatch signal sources so that the
/// action runs on an ordinary thread rather than in a signal handler. Keep the
/// returned value alive as long as the signals should be handled.
public final class ShutdownSignals: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]

    public init(signals: [Int32] = [SIGTERM, SIGINT], _ action: @escaping @Sendable (Int32) -> Void) {
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { action(number) }
            source.resume()
            return source
        }
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
