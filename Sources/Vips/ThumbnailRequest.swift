import Foundation

/// How a thumbnail fills the requested box.
public enum ThumbnailFit: String, Sendable, CaseIterable, Codable {
    /// Fit within width x height keeping the aspect ratio (the original
    /// service's behaviour); one side may come out shorter.
    case inside
    /// Scale to cover width x height keeping the aspect ratio, then crop the
    /// centre to exactly width x height.
    case cover
    /// Stretch to exactly width x height, ignoring the aspect ratio.
    case fill
}

/// The encoded format of a thumbnail.
public enum ThumbnailFormat: String, Sendable, CaseIterable, Codable {
    case jpeg, png, webp

    /// The matching input format, to check an output by probing it.
    public var imageFormat: ImageFormat {
        switch self {
        case .jpeg: .jpeg
        case .png: .png
        case .webp: .webp
        }
    }

    /// MIME type for an upload's Content-Type.
    public var mimeType: String { "image/\(rawValue)" }
}

/// An encoded thumbnail and its actual dimensions (with `inside`, or a single
/// requested side, these differ from the request).
public struct Thumbnail: Sendable {
    public var data: Data
    public var format: ThumbnailFormat
    public var width: Int
    public var height: Int
    /// Made from a progressive JPEG cut to its 1/8-scale scans (for tests).
    var fromPrunedScans = false
}
