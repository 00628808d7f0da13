import HTTPServer
import Logging

/// Starts a server on 127.0.0.1 (or another host) and a free port, runs `body`
/// with the port, then shuts the server down and waits for it to stop.
func withServer<T: Sendable>(
    _ configure: (inout HTTPServer.Configuration) -> Void = { _ in },
    router: Router = testRouter(),
    _ body: @Sendable (Int) async throws -> T
) async throws -> T {
    var configuration = HTTPServer.Configuration(host: "127.0.0.1", port: 0, eventLoopCount: 2)
    configuration.accessLog = false
    configure(&configuration)
    var logger = Logger(label: "http-test")
    logger.logLevel = .warning
    let server = HTTPServer(configuration: configuration, router: router, logger: logger)
    let port = try server.start()
    do {
        let result = try await body(port)
        server.shutdown()
        await server.waitUntilStopped()
        return result
    } catch {
        server.shutdown()
        await server.waitUntilStopped()
        throw error
    }
}

/// The routes most tests use.
func testRouter() -> Router {
    var router = Router()
    router.get("/hello") { _ in HTTPResponse(text: "hello") }
    router.post("/echo") { request in
        var headers: HTTPHeaders = [:]
        for (name, value) in request.trailers { headers.add("X-Trailer-\(name)", value) }
        return HTTPResponse(headers: headers, body: request.body)
    }
    router.get("/path/:n") { request in HTTPResponse(text: request.pathParameters["n"] ?? "?") }
    router.get("/slow/:ms") { request in
        let ms = Int(request.pathParameters["ms"] ?? "") ?? 100
        try await Task.sleep(for: .milliseconds(ms))
        return HTTPResponse(text: "slow \(ms)")
    }
    router.get("/big/:kb") { request in
        let kb = Int(request.pathParameters["kb"] ?? "") ?? 1
        return HTTPResponse(body: [UInt8](repeating: UInt8(ascii: "b"), count: kb * 1024))
    }
    router.get("/stream/:count") { request in
        let count = Int(request.pathParameters["count"] ?? "") ?? 3
        return HTTPResponse(headers: ["Content-Type": "text/plain"]) { writer in
            for n in 0..<count {
                try await writer.write("part \(n);")
            }
        }
    }
    router.get("/stream-fails") { _ in
        HTTPResponse { writer in
            try await writer.write("partial")
            throw HTTPError(.internalServerError, "producer broke")
        }
    }
    router.get("/request-id") { request in HTTPResponse(text: request.requestId) }
    router.webSocket("/ws", subprotocols: ["noflo"]) { _, socket in
        for await message in socket.messages {
            if case .text("close-please") = message {
                await socket.close(code: .normalClosure, reason: "bye")
                return
            }
            try await socket.send(message)
        }
    }
    router.webSocket("/ws-slow") { _, socket in
        // Fall behind on purpose so that the server has to stop reading.
        try await Task.sleep(for: .milliseconds(300))
        for await message in socket.messages {
            try await socket.send(message)
        }
    }
    return router
}
