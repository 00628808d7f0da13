/// An image file format, as named by the libvips loader that recognises it.
public enum ImageFormat: Hashable, Sendable, CustomStringConvertible {
    case jpeg, png, webp, gif, tiff, heif, svg, pdf, jpeg2000, jpegXL
    /// Any other loader, by its libvips class name (e.g. "VipsForeignLoadPpmBuffer").
    case other(String)

    /// Formats a web image service accepts unless told otherwise: the four
    /// the web uses, whose loaders are the most exercised (GIF's first frame
    /// only). TIFF and HEIF can be allowed (`ImageFormat(name:)`); their
    /// loaders parse far more structure (tiles, planes, sample formats,
    /// codecs) that an attacker gets to choose. SVG and PDF are never a good
    /// idea (they render documents, can reference other files and take
    /// unbounded time).
    public static let webDefaults: Set<ImageFormat> = [.jpeg, .png, .webp, .gif]

    /// Every format that can be allowed by name (`jpeg`, `png`, `webp`,
    /// `gif`, `tiff`, `heif`).
    public static let nameable: [ImageFormat] = [.jpeg, .png, .webp, .gif, .tiff, .heif]

    /// A format by the name a configuration uses ("jpeg" or "jpg", "png",
    /// "webp", "gif", "tiff" or "tif", "heif" or "heic"); nil for any other.
    public init?(name: String) {
        switch name.lowercased() {
        case "jpeg", "jpg": self = .jpeg
        case "png": self = .png
        case "webp": self = .webp
        case "gif": self = .gif
        case "tiff", "tif": self = .tiff
        case "heif", "heic": self = .heif
        default: return nil
        }
    }

    /// Maps a libvips loader class name ("VipsForeignLoadJpegBuffer") to a format.
    public init(loaderName: String) {
        let name = loaderName.lowercased()
        let table: [(String, ImageFormat)] = [
            ("loadjpeg", .jpeg), ("jp2k", .jpeg2000), ("jxl", .jpegXL),
            ("png", .png), ("webp", .webp), ("gif", .gif), ("tiff", .tiff),
            ("heif", .heif), ("svg", .svg), ("pdf", .pdf),
        ]
        for (key, format) in table where name.contains(key) {
            self = format
            return
        }
        self = .other(loaderName)
    }

    public var description: String {
        switch self {
        case .jpeg: "jpeg"
        case .png: "png"
        case .webp: "webp"
        case .gif: "gif"
        case .tiff: "tiff"
        case .heif: "heif"
        case .svg: "svg"
        case .pdf: "pdf"
        case .jpeg2000: "jpeg2000"
        case .jpegXL: "jpegxl"
        case .other(let name): name
        }
    }
}
