import HTTPServer

/// `GET /metrics` of `guv run --metrics-port`: the last iteration's figures as
/// Prometheus text (`MetricsText`).
public enum MetricsRoute {
    public static let contentType = "text/plain; version=0.0.4"

    /// A router serving `text()` (read at each request) at `/metrics`.
    public static func router(text: @escaping @Sendable () -> String) -> Router {
        var router = Router()
        router.get("/metrics") { _ in
            HTTPResponse(status: .ok, headers: ["Content-Type": contentType], body: Array(text().utf8))
        }
        return router
    }
}
