/// How a resized image relates to the requested box.
public enum Fit: String, Codable, Sendable, CaseIterable {
    /// Fit inside width x height keeping the aspect ratio (the original's `policy: max`).
    case inside
    /// Fill width x height exactly, cropping what sticks out.
    case cover
    /// Stretch to width x height, ignoring the aspect ratio.
    case fill
}

/// Output encodings the service produces.
public enum OutputFormat: String, Codable, Sendable, CaseIterable {
    case jpeg, png, webp

    public var contentType: String {
        switch self {
        case .jpeg: "image/jpeg"
        case .png: "image/png"
        case .webp: "image/webp"
        }
    }
}

/// One image of a job, validated: what the resize worker is asked to make.
public struct ImageSpec: Codable, Sendable, Hashable {
    public var url: String
    /// At least one of width and height is set; the other follows the aspect ratio.
    public var width: Int?
    public var height: Int?
    public var fit: Fit
    public var format: OutputFormat
    /// 1...100, for jpeg and webp.
    public var quality: Int

    public init(url: String, width: Int?, height: Int?, fit: Fit = .inside, format: OutputFormat = .jpeg, quality: Int = 80) {
        self.url = url
        self.width = width
        self.height = height
        self.fit = fit
        self.format = format
        self.quality = quality
    }
}
