import Foundation
import Yams

/// Turns guv config text (YAML or JSON) into a resolved `GuvConfig`.
///
/// Unlike guv, which accepted anything at runtime, every unknown key, wrong type or
/// out-of-range value is an error naming its role and key; all are reported at once.
public enum ConfigLoader {
    public static let globalRole = "*"

    /// Where the config text comes from, in guv's order of precedence.
    public static func text(file: String?, string: String?, environment: [String: String]) throws(ConfigError) -> String {
        if let string { return string }
        if let file {
            guard let data = FileManager.default.contents(atPath: file),
                let text = String(data: data, encoding: .utf8)
            else {
                throw ConfigError("cannot read config file '\(file)'; check the path given to --config-file")
            }
            return text
        }
        if let env = environment["GUV_CONFIG"] { return env }
        throw ConfigError("no config: pass --config-file PATH, --config STRING or set GUV_CONFIG")
    }

    /// Parse and resolve; throws every problem at once. `environment` supplies
    /// GUV_APP, GUV_BROKER / CLOUDAMQP_URL and HEROKU_API_KEY (injected for tests).
    public static func load(_ text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> GuvConfig {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigError("not valid YAML or JSON: \(error)")
        }
        var problems: [ConfigProblem] = []
        var rawRoles: [(String, [(ConfigKey, RawValue)])] = []
        var rawGlobal: [(ConfigKey, RawValue)] = []
        if let root, root.null == nil {
            guard let mapping = root.mapping else {
                throw ConfigError("the top level must map role names to settings, e.g. `resize: {queue: resize.IN}`")
            }
            for (keyNode, valueNode) in mapping {
                let role = keyNode.string ?? "\(keyNode)"
                let settings = parseRole(role, valueNode, problems: &problems)
                if role == globalRole { rawGlobal = settings } else { rawRoles.append((role, settings)) }
            }
        }
        for (role, settings) in rawRoles {
            for (key, _) in settings where key.isGlobalOnly {
                problems.append(
                    ConfigProblem(
                        role: role, key: key.rawValue,
                        message: "only read from the '*' role; move it there"))
            }
        }
        var global = RoleConfig(name: globalRole)
        apply(rawGlobal, to: &global)
        applyEnvironment(environment, to: &global)
        var warnings: [ConfigProblem] = []
        var roles: [RoleConfig] = []
        for (name, settings) in rawRoles {
            var role = global
            role.name = name
            role.worker = name
            role.queue = name
            let globalKeys = Set(rawGlobal.map(\.0))
            if globalKeys.contains(.worker) { role.worker = global.worker }
            if globalKeys.contains(.queue) { role.queue = global.queue }
            apply(settings.filter { !$0.0.isGlobalOnly }, to: &role)
            let keys = globalKeys.union(settings.map(\.0))
            if !keys.contains(.stddev) { role.stddev = role.processing * 0.5 }
            // A bad value inherited from '*' is reported once, at '*'.
            let ownKeys = Set(settings.map(\.0.rawValue))
            for var problem in rangeProblems(role) {
                if let key = problem.key, !ownKeys.contains(key), globalKeys.contains(where: { $0.rawValue == key }) {
                    problem.role = globalRole
                }
                if !problems.contains(problem) { problems.append(problem) }
            }
            if !keys.contains(.target) {
                role.target = RoleConfig.derivedTarget(deadline: role.deadline, percentile: role.percentile, stddev: role.stddev)
            }
            if role.target <= role.processing {
                warnings.append(
                    ConfigProblem(
                        role: name, key: keys.contains(.target) ? "target" : "deadline",
                        message: String(
                            format: "target %.2fs is not above processing time %.2fs (deadline %.2fs): the deadline cannot be met; using %.2fs",
                            role.target, role.processing, role.deadline, role.processing + 0.01)))
                role.target = role.processing + 0.01
                role.targetUnrealizable = true
            }
            roles.append(role)
        }
        problems += rangeProblems(global, globalOnly: true)
        if !problems.isEmpty { throw ConfigError(problems: problems) }
        return GuvConfig(global: global, roles: roles, warnings: warnings)
    }

    enum RawValue: Equatable {
        case number(Double)
        case string(String)
    }

    private static func parseRole(_ role: String, _ node: Node, problems: inout [ConfigProblem]) -> [(ConfigKey, RawValue)] {
        if node.null != nil { return [] }
        guard let mapping = node.mapping else {
            problems.append(ConfigProblem(role: role, key: nil, message: "settings must be a map, e.g. `\(role): {deadline: 60}`"))
            return []
        }
        var result: [(ConfigKey, RawValue)] = []
        for (keyNode, valueNode) in mapping {
            let name = keyNode.string ?? "\(keyNode)"
            guard let key = ConfigKey.named(name) else {
                var message = "unknown key"
                if name.contains(":") {
                    message += "; in a YAML flow map write `{\(name.replacingOccurrences(of: ":", with: ": "))}` with a space after the colon"
                } else {
                    message +=
                        "; known keys: " + ConfigKey.allCases.map(\.rawValue).joined(separator: ", ")
                        + " (short: " + ConfigKey.shorthands.keys.sorted().joined(separator: ", ") + ")"
                }
                problems.append(ConfigProblem(role: role, key: name, message: message))
                continue
            }
            if result.contains(where: { $0.0 == key }) {
                problems.append(ConfigProblem(role: role, key: key.rawValue, message: "given twice (long and short form?)"))
                continue
            }
            switch key.kind {
            case .number:
                let quoted = valueNode.scalar.map { $0.style == .singleQuoted || $0.style == .doubleQuoted } ?? true
                if !quoted, let number = valueNode.float, number.isFinite {
                    result.append((key, .number(number)))
                } else {
                    problems.append(
                        ConfigProblem(role: role, key: key.rawValue, message: "must be a number, got '\(valueNode.string ?? "\(valueNode)")'"))
                }
            case .string:
                if valueNode.scalar != nil, valueNode.null == nil, let string = valueNode.string {
                    if key == .policy && PolicyKind(rawValue: string) == nil {
                        problems.append(
                            ConfigProblem(
                                role: role, key: key.rawValue,
                                message: "must be one of: " + PolicyKind.allCases.map(\.rawValue).joined(separator: ", ")))
                    } else {
                        result.append((key, .string(string)))
                    }
                } else {
                    problems.append(ConfigProblem(role: role, key: key.rawValue, message: "must be a string"))
                }
            }
        }
        return result
    }

    private static func apply(_ settings: [(ConfigKey, RawValue)], to role: inout RoleConfig) {
        for (key, value) in settings {
            switch (key, value) {
            case (.processing, .number(let v)): role.processing = v
            case (.stddev, .number(let v)): role.stddev = v
            case (.deadline, .number(let v)): role.deadline = v
            case (.percentile, .number(let v)): role.percentile = v
            case (.target, .number(let v)): role.target = v
            case (.concurrency, .number(let v)): role.concurrency = wholeOrSentinel(v)
            case (.minimum, .number(let v)): role.minimum = wholeOrSentinel(v)
            case (.maximum, .number(let v)): role.maximum = wholeOrSentinel(v)
            case (.boot, .number(let v)): role.boot = v
            case (.pollinterval, .number(let v)): role.pollinterval = v
            case (.history, .number(let v)): role.history = v
            case (.worker, .string(let s)): role.worker = s
            case (.queue, .string(let s)): role.queue = s
            case (.app, .string(let s)): role.app = s
            case (.broker, .string(let s)): role.broker = s
            case (.apikey, .string(let s)): role.apikey = s
            case (.policy, .string(let s)): role.policy = PolicyKind(rawValue: s) ?? .guv
            case (.dynosize, .string(let s)): role.dynosize = s
            case (.statuspage, .string(let s)): role.statuspage = s
            case (.metric, .string(let s)): role.metric = s
            default: break
            }
        }
    }

    /// Whole-number keys: a fraction becomes Int.min so range checking reports it.
    private static func wholeOrSentinel(_ value: Double) -> Int {
        guard value.rounded() == value, abs(value) < 1e9 else { return Int.min }
        return Int(value)
    }

    private static func applyEnvironment(_ env: [String: String], to global: inout RoleConfig) {
        if global.app == nil { global.app = env["GUV_APP"] }
        if global.broker == nil { global.broker = env["GUV_BROKER"] ?? env["CLOUDAMQP_URL"] }
        if global.apikey == nil { global.apikey = env["HEROKU_API_KEY"] }
        if global.statuspage == nil { global.statuspage = env["STATUSPAGE_ID"] }
    }

    private static func rangeProblems(_ r: RoleConfig, globalOnly: Bool = false) -> [ConfigProblem] {
        var p: [ConfigProblem] = []
        func fail(_ key: ConfigKey, _ message: String) {
            p.append(ConfigProblem(role: r.name, key: key.rawValue, message: message))
        }
        if globalOnly {
            // Bounded both ways: the scaler counts polls in a history or a boot (Int of their ratio).
            if !(r.pollinterval >= 0.1 && r.pollinterval <= 3600) { fail(.pollinterval, "must be between 0.1 and 3600 seconds") }
            if !(r.history >= 0 && r.history <= 604_800) { fail(.history, "must be between 0 and 604800 seconds (a week)") }
            return p
        }
        if !(r.processing > 0) { fail(.processing, "must be > 0 seconds") }
        if !(r.stddev >= 0) { fail(.stddev, "must be >= 0 seconds") }
        if !(r.deadline > 0) { fail(.deadline, "must be > 0 seconds") }
        if !(r.percentile > 0 && r.percentile < 100) { fail(.percentile, "must be between 0 and 100 (exclusive)") }
        if !(r.boot >= 0 && r.boot <= 86_400) { fail(.boot, "must be between 0 and 86400 seconds (a day)") }
        if r.concurrency == Int.min {
            fail(.concurrency, "must be a whole number")
        } else if r.concurrency < 1 {
            fail(.concurrency, "must be >= 1 (the worker's prefetch)")
        }
        if r.minimum == Int.min { fail(.minimum, "must be a whole number") } else if r.minimum < 0 { fail(.minimum, "must be >= 0") }
        if r.maximum == Int.min {
            fail(.maximum, "must be a whole number")
        } else if r.maximum < max(r.minimum, 0) {
            fail(.maximum, "must be >= minimum (\(r.minimum))")
        }
        if r.worker.isEmpty { fail(.worker, "must not be empty") }
        if r.queue.isEmpty { fail(.queue, "must not be empty") }
        return p
    }
}
