// GET /json -> {"message":"Hello, World!"} on HTTPServer, port from PORT.
// LOG_LEVEL=info turns the per-request access log on (off for the benchmark,
// matching Hummingbird's default of no request logging).
import Foundation
import HTTPServer
import Logging
import ServiceLifecycle

struct Greeting: Encodable {
    let message: String
}

var logger = Logger(label: "httpserver-peer")
logger.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "") ?? .warning
var router = Router()
router.get("/json") { _ in try HTTPResponse.json(Greeting(message: "Hello, World!")) }
router.post("/echo") { request in HTTPResponse(body: request.body) }
router.webSocket("/ws") { _, socket in
    for await message in socket.messages { try await socket.send(message) }
}
var configuration = HTTPServer.Configuration(host: "127.0.0.1")
if let loops = ProcessInfo.processInfo.environment["EVENT_LOOPS"].flatMap(Int.init) {
    configuration.eventLoopCount = loops
}
let server = HTTPServer(configuration: configuration, router: router, logger: logger)
// SIGTERM/SIGINT: stop accepting, drain, return.
try await ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
