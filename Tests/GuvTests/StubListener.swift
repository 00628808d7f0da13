import Foundation
@testable import Guv

/// A local HTTP listener for contract tests: records every request exactly as it
/// arrived and answers with the test's function.
final class StubListener: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [ServerRequest] = []
    let server: MiniHTTPServer
    var baseURL: URL { URL(string: "http://127.0.0.1:\(server.port)")! }

    init(_ respond: @escaping @Sendable (ServerRequest) -> ServerResponse) throws {
        let box = Box()
        server = MiniHTTPServer { request in
            box.listener?.record(request)
            return respond(request)
        }
        box.listener = self
        try server.start(port: 0)
    }

    final class Box: @unchecked Sendable { weak var listener: StubListener? }

    private func record(_ request: ServerRequest) { lock.withLock { recorded.append(request) } }
    var requests: [ServerRequest] { lock.withLock { recorded } }

    deinit { server.stop() }
}
