/// A route path such as `/jobs/:id/images/:imageId`: literal segments match exactly,
/// `:name` segments match any one segment and capture it, a final `*` matches the rest.
public struct RoutePattern: Sendable, Equatable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case rest
    }

    let segments: [Segment]
    public let description: String

    public init(_ path: String) {
        description = path
        segments = path.split(separator: "/", omittingEmptySubsequences: true).map { part in
            if part == "*" { return .rest }
            if part.hasPrefix(":") { return .parameter(String(part.dropFirst())) }
            return .literal(String(part))
        }
    }

    /// The captured parameters when `pathSegments` match, else nil.
    func match(_ pathSegments: [Substring]) -> [String: String]? {
        var parameters: [String: String] = [:]
        var index = 0
        for segment in segments {
            switch segment {
            case .rest:
                return parameters
            case .literal(let literal):
                guard index < pathSegments.count,
                    pathSegments[index] == literal
                        || PercentDecoding.decode(pathSegments[index], plusAsSpace: false) == literal
                else { return nil }
            case .parameter(let name):
                guard index < pathSegments.count else { return nil }
                parameters[name] = PercentDecoding.decode(pathSegments[index], plusAsSpace: false)
            }
            index += 1
        }
        return index == pathSegments.count ? parameters : nil
    }
}
