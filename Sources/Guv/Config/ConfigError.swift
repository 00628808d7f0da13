/// One thing wrong in a guv config, located by role and key so the user can find it.
public struct ConfigProblem: Equatable, Sendable, CustomStringConvertible {
    public var role: String
    public var key: String?
    public var message: String

    public init(role: String, key: String?, message: String) {
        self.role = role
        self.key = key
        self.message = message
    }

    public var description: String {
        if let key { return "role '\(role)', key '\(key)': \(message)" }
        return "role '\(role)': \(message)"
    }
}

/// All problems found in a config at once, so one edit-run cycle fixes them all.
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public var problems: [ConfigProblem]

    public init(problems: [ConfigProblem]) { self.problems = problems }

    public init(_ message: String) {
        problems = [ConfigProblem(role: "*", key: nil, message: message)]
    }

    public var description: String {
        "invalid guv config:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
