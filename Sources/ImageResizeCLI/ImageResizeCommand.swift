import ArgumentParser
import Foundation
import ImageResize
import Logging

@main
struct ImageResizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "imageresize",
        abstract: "The image-resize service: HTTP API, resize workers, results writer, migrations, load tests.",
        subcommands: [
            WebCommand.self, ResizeCommand.self, StoreCommand.self, MigrateCommand.self, LoadTestCommand.self, ThumbnailCommand.self,
        ])

    static func setUp(_ label: String) throws -> (ServiceConfig, Logger) {
        let environment = ProcessInfo.processInfo.environment
        let level = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardOutput(label: label)
            handler.logLevel = level
            return handler
        }
        do {
            return (try ServiceConfig(environment: environment), Logger(label: label))
        } catch {
            throw ValidationError("configuration: \(error)")
        }
    }
}

struct RoleOption: ParsableArguments {
    @Option(help: "Role (graph node name) this process plays; queues are named after it.") var role: String
}

struct WebCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "web", abstract: "Serve the HTTP API on $PORT.")
    @OptionGroup var role: RoleOption

    func run() async throws {
        let (config, logger) = try ImageResizeCommand.setUp("imageresize.\(role.role)")
        try await ServiceRunner.runWeb(config, role: role.role, logger: logger, extraRoutes: DemoPage.routes(config: config))
    }
}

struct ResizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resize", abstract: "Run a ResizeImage worker (libvips).")
    @OptionGroup var role: RoleOption

    func run() async throws {
        ServiceRunner.prepareResizeProcess()
        let (config, logger) = try ImageResizeCommand.setUp("imageresize.\(role.role)")
        try await ServiceRunner.runResize(config, role: role.role, logger: logger)
    }
}

struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "store", abstract: "Run a StoreResult worker (Postgres).")
    @OptionGroup var role: RoleOption

    func run() async throws {
        let (config, logger) = try ImageResizeCommand.setUp("imageresize.\(role.role)")
        try await ServiceRunner.runStore(config, role: role.role, logger: logger)
    }
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply database migrations ($DATABASE_URL).")

    func run() async throws {
        let (config, logger) = try ImageResizeCommand.setUp("imageresize.migrate")
        let applied = try await ServiceRunner.migrate(config, logger: logger)
        print(applied.isEmpty ? "database schema up to date" : "applied migrations \(applied.map(String.init).joined(separator: ", "))")
    }
}
