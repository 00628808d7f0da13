// GET /json -> {"message":"Hello, World!"} on Hummingbird 2, port from PORT.
import Foundation
import Hummingbird
import Logging

struct Greeting: ResponseEncodable {
    let message: String
}

let port = Int(ProcessInfo.processInfo.environment["PORT"] ?? "") ?? 8081
var logger = Logger(label: "hummingbird-peer")
logger.logLevel = .warning
let router = Router()
router.get("json") { _, _ in Greeting(message: "Hello, World!") }
let app = Application(
    router: router,
    configuration: .init(address: .hostname("127.0.0.1", port: port)),
    logger: logger
)
try await app.runService()
