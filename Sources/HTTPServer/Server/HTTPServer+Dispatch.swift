import Logging
import Primitives

/// How the server hands a request to the router, and the access log line.
extension HTTPServer {
    typealias Outcome = Router.Outcome

    func respond(to request: HTTPRequest) async -> Outcome {
        await router.outcome(for: request)
    }

    func logAccess(request: HTTPRequest, outcome: Outcome, started: UInt64) {
        guard configuration.accessLog, logger.logLevel <= .info else { return }
        let micros = (MonotonicClock.nanoseconds() - started) / 1000
        let millis = "\(micros / 1000).\(String(micros % 1000 + 1000).dropFirst())"
        request.logger.info("\(request.method) \(request.path) \(outcome.status) \(outcome.bodyBytes)B \(millis)ms")
    }
}
