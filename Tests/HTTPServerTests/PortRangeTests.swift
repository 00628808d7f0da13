import Logging
import Testing

@testable import HTTPServer

/// `$PORT` is outside input: a port out of range fails the start with an
/// error that names it, instead of trapping the process.
@Suite struct PortRangeTests {
    @Test(arguments: [65_536, 70_000, -1, Int.max, Int.min])
    func outOfRangePortsAreAnError(_ port: Int) {
        let configuration = HTTPServer.Configuration(host: "127.0.0.1", port: port, eventLoopCount: 1)
        let server = HTTPServer(configuration: configuration, router: Router(), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        #expect(throws: SocketError.self) { _ = try server.start() }
    }
}
