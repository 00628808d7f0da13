import ArgumentParser
import Foundation

#if canImport(Glibc)
    import Glibc
    import Primitives
#endif

/// Serves a folder of images over HTTP on a loopback port (Python's
/// http.server as a child process), so a load test can use local photos
/// without any other setup. The service under test must be allowed to fetch
/// from it: IMAGERESIZE_ALLOW_HOSTS=localhost:PORT.
final class ImageFolderServer {
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "webp", "gif", "tif", "tiff", "avif", "heic"]

    let directory: URL
    let port: Int
    private let process: Process

    init(directory: URL, port: Int?) throws {
        self.directory = directory
        self.port = try port ?? Self.freeLoopbackPort()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "http.server", String(self.port), "--bind", "127.0.0.1", "--directory", directory.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    var baseURL: String { "http://localhost:\(port)" }

    /// The URL of every image file under the folder, sorted for a stable run.
    func imageURLs() throws -> [String] {
        let root = directory.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw ValidationError("cannot read the folder \(root)")
        }
        var paths: [String] = []
        while let relative = walker.nextObject() as? String {
            if Self.imageExtensions.contains((relative as NSString).pathExtension.lowercased()) { paths.append(relative) }
        }
        return paths.sorted().map { baseURL + "/" + ($0.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? $0) }
    }

    /// Waits until the server answers, or fails with what to check.
    func waitUntilReady(timeout: Duration = .seconds(10)) async throws {
        let giveUp = ContinuousClock.now + timeout
        while ContinuousClock.now < giveUp {
            if !process.isRunning {
                throw ValidationError("the image server (python3 -m http.server \(port)) exited; is port \(port) free and python3 installed?")
            }
            if Self.canConnect(port: port) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationError("the image server on port \(port) did not start within \(timeout)")
    }

    /// SIGKILL rather than SIGTERM: a child started by Foundation's Process on
    /// Linux inherits a mask that blocks SIGTERM, so a terminate() would wait
    /// forever; a static file server has nothing to clean up anyway.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    static func freeLoopbackPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ValidationError("cannot open a socket to find a free port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw ValidationError("cannot find a free loopback port; give --images-port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func canConnect(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
