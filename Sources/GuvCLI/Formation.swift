import ArgumentParser
import Foundation
import Guv
import HTTPServer
import Logging
import Primitives

struct Formation: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a Procfile as a local formation behind the Heroku formation API.")

    @Option(help: "Procfile to run.")
    var procfile: String = "Procfile"

    @Option(help: "Port of the formation API on 127.0.0.1.")
    var port: Int = 5500

    @Option(help: "App name in the API paths (/apps/APP/formation).")
    var app: String = "local"

    @Option(help: "Initial quantity, e.g. --scale resize=2 (repeatable).")
    var scale: [String] = []

    @Option(help: "First PORT given to web processes.")
    var webPort: Int = 5000

    @Option(help: "Seconds between SIGTERM and SIGKILL when stopping a process.")
    var grace: Double = 10

    @Option(help: "Refuse (422) quantities above this per process type, like a Heroku plan limit (a bad PATCH cannot start hundreds of processes).")
    var limit: Int = 8

    @Option(help: "Require this bearer token (default: HEROKU_API_KEY if set).")
    var token: String?

    func validate() throws {
        guard limit >= 0 else { throw ValidationError("--limit must be 0 or more") }
    }

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: procfile) else {
            throw ValidationError("cannot read Procfile '\(procfile)'")
        }
        let parsed = try Procfile.parse(String(decoding: data, as: UTF8.self))
        let out = FileHandle.standardOutput
        let lock = NSLock()
        let formation = LocalFormation(procfile: parsed, app: app, portBase: webPort, graceSeconds: grace, limit: limit) { line in
            lock.withLock { out.write(Data((line + "\n").utf8)) }
        }
        let routes = FormationRoutes(formation: formation, token: token ?? ProcessInfo.processInfo.environment["HEROKU_API_KEY"])
        var logger = Logger(label: "guv.formation")
        logger.logLevel = .warning
        let server = LoopbackServer.make(router: routes.router, port: port, logger: logger)
        let bound: Int
        do {
            for item in scale {
                let parts = item.split(separator: "=")
                guard parts.count == 2, let quantity = Int(parts[1]) else {
                    throw ValidationError("--scale takes type=N, got '\(item)'")
                }
                try formation.scale(String(parts[0]), to: quantity)
            }
            bound = try server.start()
        } catch {
            await formation.stopAll() // the processes an earlier --scale started
            throw error
        }
        lock.withLock {
            out.write(Data("formation API on http://127.0.0.1:\(bound)/apps/\(app)/formation (HEROKU_API_URL=http://127.0.0.1:\(bound))\n".utf8))
        }
        // Shut down in reverse: the API stops taking scale requests, then the processes stop.
        try await ProcessLifecycle.run([formation, server], logger: Logger(label: "guv.formation"))
    }
}
