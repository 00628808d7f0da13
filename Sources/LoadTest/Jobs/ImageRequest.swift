import Primitives

/// One image of a job: where to fetch it and the box to fit it into, in the
/// shape the image-resize API takes (`{"input", "width", "height", "format"}`).
public struct ImageRequest: Sendable, Hashable, Codable {
    public var input: String
    public var width: Int
    public var height: Int
    public var format: String

    public init(input: String, width: Int, height: Int, format: String = "jpeg") {
        self.input = input
        self.width = width
        self.height = height
        self.format = format
    }
}

/// How a job's images are drawn from the URL list.
public enum ImageSelection: String, Sendable, Hashable, Codable {
    /// In list order, wrapping around: every URL gets the same share.
    case roundRobin = "round-robin"
    /// Uniformly at random from the seeded generator: mixes image sizes.
    case random
}

/// Makes the image lists of successive jobs; pure and seeded like the arrivals,
/// so job n of a replayed run asks for the same images.
public struct JobFactory: Sendable {
    public let urls: [String]
    public let imagesPerJob: Int
    public let width: Int
    public let height: Int
    public let format: String
    public let selection: ImageSelection
    private var random: SplitMix64
    private var cursor = 0

    public init(
        urls: [String], imagesPerJob: Int, width: Int, height: Int, format: String = "jpeg",
        selection: ImageSelection = .roundRobin, seed: UInt64 = 0
    ) throws(LoadTestConfigurationError) {
        guard !urls.isEmpty else {
            throw LoadTestConfigurationError("the image URL list is empty; give at least one URL of an image to resize")
        }
        guard imagesPerJob > 0 else {
            throw LoadTestConfigurationError("images per job is \(imagesPerJob); it must be at least 1")
        }
        guard width > 0, height > 0 else {
            throw LoadTestConfigurationError("the target size \(width)x\(height) must be positive in both dimensions")
        }
        self.urls = urls
        self.imagesPerJob = imagesPerJob
        self.width = width
        self.height = height
        self.format = format
        self.selection = selection
        // A different stream from the arrival times, which use the seed as is.
        self.random = SplitMix64(seed: seed ^ 0x5EED_1A6E_5EED_1A6E)
    }

    public mutating func nextJob() -> [ImageRequest] {
        (0..<imagesPerJob).map { _ in
            let url: String
            switch selection {
            case .roundRobin:
                url = urls[cursor % urls.count]
                cursor += 1
            case .random:
                url = urls[Int(random.next() % UInt64(urls.count))]
            }
            return ImageRequest(input: url, width: width, height: height, format: format)
        }
    }
}

/// A load-test setting that cannot work, with what to change.
public struct LoadTestConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
