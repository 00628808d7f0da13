import Foundation
import Primitives

/// An executable of this package, built next to the tests by
/// `swift build --build-tests` (which builds every product).
public struct BuiltExecutable: Sendable {
    public let name: String

    public static let msgflo = BuiltExecutable(name: "msgflo")
    public static let imageresize = BuiltExecutable(name: "imageresize")
    public static let guv = BuiltExecutable(name: "guv")

    /// The checkout (the tests' working directory for child processes).
    public static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// Beside the test bundle, else in .build/debug.
    public var url: URL {
        let candidates = [
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent(name).path,
            Self.root.appendingPathComponent(".build/debug/\(name)").path,
        ]
        return URL(fileURLWithPath: candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1])
    }

    /// The test process's environment with the test broker as `MSGFLO_BROKER`
    /// and this folder first on PATH (so `msgflo setup --participants` finds its siblings).
    public var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["MSGFLO_BROKER"] = environment["MSGFLO_TEST_BROKER"] ?? "amqp://guest:guest@localhost:5672"
        environment["PATH"] = url.deletingLastPathComponent().path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        return environment
    }

    /// Starts it with stdout and stderr in `log`, which the report of a failing
    /// test shows and which is removed when the test is over (see `TestLogs.attach`). `environment` is merged over
    /// `self.environment`; a nil value removes a variable.
    public func start(_ arguments: [String], environment extra: [String: String?] = [:], log: URL) throws -> Process {
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            throw TestCommandError(description: "no \(name) executable at \(url.path); run `swift build --build-tests` first")
        }
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = Self.root
        var environment = self.environment
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        TestLogs.attach(log, as: "\(name) \(arguments.joined(separator: " "))", removing: true)
        return process
    }

    /// What a run to the end printed.
    public struct Output: Sendable {
        public var status: Int32
        public var reason: Process.TerminationReason
        public var stdout: String
        public var stderr: String
        /// Both streams, stdout first.
        public var output: String { stdout + stderr }
    }

    /// Runs it to its end (for commands that exit at once, like `validate`).
    public func run(_ arguments: [String], environment extra: [String: String?] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = url
        process.arguments = arguments
        process.currentDirectoryURL = Self.root
        var environment = self.environment
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // stderr on a thread of its own, so neither pipe fills while the other is read.
        let errors = LockedState<Data?>(nil)
        Thread {
            let data = err.fileHandleForReading.readDataToEndOfFile()
            errors.withLock { $0 = data }
        }.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while errors.value == nil { usleep(1000) }
        return Output(
            status: process.terminationStatus, reason: process.terminationReason,
            stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: errors.value ?? Data(), as: UTF8.self))
    }
}
