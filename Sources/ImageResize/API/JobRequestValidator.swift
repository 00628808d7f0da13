import Foundation
import MsgFlo

/// Limits a job request is checked against; all configurable from the environment.
public struct JobLimits: Sendable, Equatable {
    public var maxImagesPerJob: Int
    public var maxDimension: Int
    public var maxURLLength: Int

    public init(maxImagesPerJob: Int = 100, maxDimension: Int = 4096, maxURLLength: Int = 2048) {
        self.maxImagesPerJob = maxImagesPerJob
        self.maxDimension = maxDimension
        self.maxURLLength = maxURLLength
    }
}

/// Turns a decoded `POST /jobs` (or the original's `POST /resize`) body into
/// image specs, or into one error listing every problem at once.
///
/// Every image is checked before anything is stored or published, so a job is
/// either accepted whole or not at all. Pure: table-tested without a server.
public enum JobRequestValidator {
    static let imageKeys: Set<String> = ["url", "input", "width", "height", "fit", "format", "quality", "operation", "policy"]

    /// - Parameter legacy: the 2017 `POST /resize`, which ignored `operation`
    ///   whatever its value; `POST /jobs` accepts only `"resize"`.
    public static func validate(_ body: JSONValue, limits: JobLimits, legacy: Bool = false) -> Result<[ImageSpec], APIError> {
        guard let root = body.objectValue else {
            return .failure(.invalid([.init(field: "", problem: "must be a JSON object with an \"images\" array")]))
        }
        guard let imagesValue = root["images"] else {
            return .failure(.invalid([.init(field: "images", problem: "is required: an array of {\"url\", \"width\", \"height\"} objects")]))
        }
        guard let images = imagesValue.arrayValue else {
            return .failure(.invalid([.init(field: "images", problem: "must be an array")]))
        }
        if images.isEmpty {
            return .failure(.invalid([.init(field: "images", problem: "must contain at least one image")]))
        }
        if images.count > limits.maxImagesPerJob {
            return .failure(.tooManyImages(images.count, limit: limits.maxImagesPerJob))
        }
        var problems: [APIError.FieldProblem] = []
        for key in root.keys.sorted() where key != "images" {
            problems.append(.init(field: key, problem: "is not a known field"))
        }
        var specs: [ImageSpec] = []
        for (index, image) in images.enumerated() {
            switch validateImage(image, path: "images[\(index)]", limits: limits, legacy: legacy) {
            case .success(let spec): specs.append(spec)
            case .failure(let imageProblems): problems += imageProblems.list
            }
        }
        return problems.isEmpty ? .success(specs) : .failure(.invalid(problems))
    }

    struct Problems: Error { var list: [APIError.FieldProblem] }

    static func validateImage(_ value: JSONValue, path: String, limits: JobLimits, legacy: Bool = false) -> Result<ImageSpec, Problems> {
        guard let object = value.objectValue else {
            return .failure(Problems(list: [.init(field: path, problem: "must be an object with \"url\", \"width\" and/or \"height\"")]))
        }
        var problems: [APIError.FieldProblem] = []
        func problem(_ key: String, _ text: String) { problems.append(.init(field: "\(path).\(key)", problem: text)) }

        for key in object.keys.sorted() where !imageKeys.contains(key) {
            problem(key, "is not a known field (known: \(imageKeys.sorted().joined(separator: ", ")))")
        }

        var url: String?
        switch (object["url"], object["input"]) {
        case (nil, nil): problem("url", "is required")
        case (.some, .some): problem("url", "give either \"url\" or \"input\", not both")
        case (let value?, nil), (nil, let value?):
            let key = object["url"] != nil ? "url" : "input"
            if let text = value.stringValue {
                if let reason = urlProblem(text, limits: limits) { problem(key, reason) } else { url = text }
            } else {
                problem(key, "must be a string")
            }
        }

        let width = dimension(object["width"], key: "width", limits: limits, problem: problem)
        let height = dimension(object["height"], key: "height", limits: limits, problem: problem)
        // null is as good as absent; one of the two must be a number.
        if (object["width"] ?? .null) == .null, (object["height"] ?? .null) == .null {
            problem("width", "give width, height or both")
        }

        var fit = Fit.inside
        if let value = object["fit"] {
            if let text = value.stringValue, let parsed = Fit(rawValue: text) {
                fit = parsed
            } else {
                problem("fit", "must be one of \(Fit.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        if let value = object["policy"] {
            switch value.stringValue {
            case "max"?, "inside"?: if object["fit"] == nil { fit = .inside }
            case "crop"?, "cover"?: if object["fit"] == nil { fit = .cover }
            case "exact"?, "fill"?: if object["fit"] == nil { fit = .fill }
            default: problem("policy", "must be \"max\" (fit inside), \"crop\" or \"exact\"")
            }
        }
        if let value = object["operation"], !legacy {
            if value.stringValue != "resize" { problem("operation", "only \"resize\" is supported") }
        }
        if fit != .inside, (object["width"] ?? .null) == .null || (object["height"] ?? .null) == .null {
            problem((object["width"] ?? .null) == .null ? "width" : "height", "fit \(fit.rawValue) needs both width and height")
        }

        var format = OutputFormat.jpeg
        if let value = object["format"] {
            let text = value.stringValue?.lowercased()
            if text == "jpg" {
                format = .jpeg
            } else if let text, let parsed = OutputFormat(rawValue: text) {
                format = parsed
            } else {
                problem("format", "must be one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        var quality = 80
        if let value = object["quality"] {
            if let q = value.intValue, (1...100).contains(q) { quality = q } else { problem("quality", "must be an integer from 1 to 100") }
        }
        guard problems.isEmpty, let url else { return .failure(Problems(list: problems)) }
        return .success(ImageSpec(url: url, width: width, height: height, fit: fit, format: format, quality: quality))
    }

    static func dimension(
        _ value: JSONValue?, key: String, limits: JobLimits,
        problem: (String, String) -> Void
    ) -> Int? {
        guard let value, value != .null else { return nil }
        guard let number = value.intValue, (1...limits.maxDimension).contains(number) else {
            problem(key, "must be an integer from 1 to \(limits.maxDimension)")
            return nil
        }
        return number
    }

    static func urlProblem(_ text: String, limits: JobLimits) -> String? {
        if text.utf8.count > limits.maxURLLength { return "is longer than \(limits.maxURLLength) characters" }
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            return "is not a valid URL"
        }
        guard scheme == "http" || scheme == "https" else { return "must be an http or https URL" }
        guard let host = components.host, !host.isEmpty else { return "has no host" }
        return nil
    }
}
