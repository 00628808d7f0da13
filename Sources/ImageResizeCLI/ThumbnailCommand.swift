import ArgumentParser
import Foundation
import ImageResize
import Vips

/// `imageresize thumbnail`: local files through a resize worker's code path.
struct ThumbnailCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thumbnail",
        abstract: "Resize local image files exactly as a resize worker does (same checks, pruning, libvips and settings).",
        discussion: """
            The files are read into memory first; then COUNT images (default: each file once) are resized, \
            cycling over the files, on THREADS threads. Prints what was made and how fast: the most a worker \
            process can do on this machine, without broker, download or database (benchmarks/imageresize).
            """)

    @Option(help: "Width of the box, pixels.") var width: Int?
    @Option(help: "Height of the box, pixels.") var height: Int?
    @Option(help: "inside, fill or cover.") var fit: String = "inside"
    @Option(help: "jpeg, png or webp.") var format: String = "jpeg"
    @Option(help: "1-100 (JPEG, WebP).") var quality: Int = 80
    @Option(help: "Threads resizing at once.") var threads: Int = 1
    @Option(help: "Images to make, cycling over the files (default: each file once).") var count: Int?
    @Option(help: "Folder to write the thumbnails to (default: none are written).") var output: String?
    @Flag(help: "Print the report as one JSON object.") var json = false
    @Argument(help: "Image files.") var files: [String]

    func validate() throws {
        guard width != nil || height != nil else { throw ValidationError("give --width, --height or both") }
        guard Fit(rawValue: fit) != nil else { throw ValidationError("--fit must be one of \(Fit.allCases.map(\.rawValue).joined(separator: ", "))") }
        guard OutputFormat(rawValue: format) != nil else {
            throw ValidationError("--format must be one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") }
        if let count, count < 1 { throw ValidationError("--count must be at least 1") }
        guard !files.isEmpty else { throw ValidationError("name at least one image file") }
    }

    func run() async throws {
        ServiceRunner.prepareResizeProcess()
        let (config, _) = try ImageResizeCommand.setUp("imageresize.thumbnail")
        ServiceRunner.prepareResizeMemory()
        try Vips.initialize(concurrency: config.vipsConcurrency)
        var bodies: [Data] = []
        for path in files {
            do {
                bodies.append(try Data(contentsOf: URL(fileURLWithPath: path)))
            } catch {
                throw ValidationError("cannot read \(path): \(error.localizedDescription)")
            }
        }
        let batch = try ThumbnailBatch(
            config: config, width: width, height: height, fit: Fit(rawValue: fit) ?? .inside,
            format: OutputFormat(rawValue: format) ?? .jpeg, quality: quality)
        let folder = output.map { URL(fileURLWithPath: $0, isDirectory: true) }
        if let folder { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) }
        let names = files.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
        let report = try await batch.run(files: bodies, count: count ?? files.count, threads: threads) { index, file, data in
            guard let folder else { return }
            try? data.write(to: folder.appendingPathComponent("\(names[file])-\(index).\(format)"))
        }
        let rate = report.seconds > 0 ? Double(report.images) / report.seconds : 0
        if json {
            let object: [String: Any] = [
                "images": report.images, "seconds": report.seconds, "images_per_second": rate,
                "failures": report.failures, "output_bytes": report.outputBytes, "threads": threads,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            let failed = report.failures.values.reduce(0, +)
            let summary = String(format: "%d images (%d failed) in %.2f s", report.images, failed, report.seconds)
            print(summary + " on \(threads) threads: " + String(format: "%.1f images/s", rate))
            for (code, n) in report.failures.sorted(by: { $0.key < $1.key }) { print("  \(code): \(n)") }
        }
        if report.failures.values.reduce(0, +) > 0 { throw ExitCode(1) }
    }
}
