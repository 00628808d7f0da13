/// Every setting a role may carry, with guv's shorthand names.
///
/// One table drives parsing, shorthand lookup and the "unknown key" error, so the
/// accepted keys cannot drift from what the docs say.
public enum ConfigKey: String, CaseIterable, Sendable {
    case processing, stddev, deadline, percentile, target, concurrency
    case minimum, maximum, boot, worker, queue, app, broker, apikey
    case pollinterval, history, policy, dynosize, statuspage, metric

    /// guv's short aliases (`p: 10` means `processing: 10`).
    public static let shorthands: [String: ConfigKey] = [
        "p": .processing, "d": .deadline, "w": .worker, "q": .queue,
        "min": .minimum, "max": .maximum,
    ]

    /// Keys only read from the `'*'` role, as in guv.
    public var isGlobalOnly: Bool {
        switch self {
        case .pollinterval, .history, .broker, .apikey: return true
        default: return false
        }
    }

    enum Kind { case number, string }

    var kind: Kind {
        switch self {
        case .worker, .queue, .app, .broker, .apikey, .policy, .dynosize, .statuspage, .metric:
            return .string
        default:
            return .number
        }
    }

    /// Resolve a key as written in the file (long or short form).
    public static func named(_ name: String) -> ConfigKey? {
        ConfigKey(rawValue: name) ?? shorthands[name]
    }
}
