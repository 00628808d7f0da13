/// A whole guv configuration: the roles to scale, in file order, plus the `'*'`
/// defaults they were built from.
public struct GuvConfig: Equatable, Sendable {
    public var global: RoleConfig
    public var roles: [RoleConfig]
    /// Non-fatal findings (e.g. an unrealizable target), shown by `guv validate`
    /// and logged at start.
    public var warnings: [ConfigProblem]

    public init(global: RoleConfig, roles: [RoleConfig], warnings: [ConfigProblem] = []) {
        self.global = global
        self.roles = roles
        self.warnings = warnings
    }

    public var pollinterval: Double { global.pollinterval }
    public var history: Double { global.history }
    public var broker: String? { global.broker }
    public var apikey: String? { global.apikey }

    public func role(named name: String) -> RoleConfig? {
        roles.first { $0.name == name }
    }

    /// The apps in first-seen order, so each gets one formation call per iteration.
    public var apps: [String] {
        var seen: [String] = []
        for role in roles { if let app = role.app, !seen.contains(app) { seen.append(app) } }
        return seen
    }

    /// What `guv run` needs beyond a well-formed file: an app per role, a broker, and
    /// (unless dry-running against a local formation) an API key.
    public func problemsForRun(requireApiKey: Bool) -> [ConfigProblem] {
        var problems: [ConfigProblem] = []
        if broker == nil {
            problems.append(
                ConfigProblem(
                    role: "*", key: "broker",
                    message: "no broker URL; set 'broker' under '*', GUV_BROKER or CLOUDAMQP_URL"))
        }
        if requireApiKey && apikey == nil {
            problems.append(
                ConfigProblem(
                    role: "*", key: "apikey",
                    message: "no Heroku API token; set 'apikey' under '*' or HEROKU_API_KEY"))
        }
        for role in roles where role.app == nil {
            problems.append(
                ConfigProblem(
                    role: role.name, key: "app",
                    message: "no app to scale; set 'app' (in the role or '*') or GUV_APP"))
        }
        return problems
    }
}
