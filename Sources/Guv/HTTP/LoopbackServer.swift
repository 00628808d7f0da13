import HTTPServer
import Logging

/// guv's HTTP listeners (the local formation API, the metrics page): the
/// HTTPServer module on 127.0.0.1 only, one event loop (a few requests a
/// second), no access log.
public enum LoopbackServer {
    public static func make(router: Router, port: Int, logger: Logger) -> HTTPServer {
        var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: port, eventLoopCount: 1)
        configuration.accessLog = false
        configuration.maxBodyBytes = 1 << 20
        configuration.shutdownGracePeriod = .seconds(5)
        // A whole request (head, body, answer) within seconds: its clients are guv and scripts on this machine.
        configuration.headerReadTimeout = .seconds(5)
        configuration.bodyReadTimeout = .seconds(5)
        configuration.writeTimeout = .seconds(5)
        return HTTPServer(configuration: configuration, router: router, logger: logger)
    }
}
