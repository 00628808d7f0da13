/// The Postgres connections the whole formation may open, so that scaling a
/// process type cannot exhaust a plan's connection limit (Heroku Postgres
/// essential plans allow 20; past that, every new connection, the release
/// phase's included, is refused).
///
/// Every dyno sees the same config vars, so each one can compute the whole
/// formation's demand:
///
///     demand = web × (IMAGERESIZE_DB_POOL + 1 LISTEN)
///            + store × IMAGERESIZE_STORE_DB_POOL
///            + IMAGERESIZE_DB_RESERVED (release phase, one-off dynos)
///
/// with the quantities from `IMAGERESIZE_DB_FORMATION` (most dynos of each
/// type that run at once; resize and guv open no database connection). A
/// process that opens connections refuses to start when the demand exceeds
/// `IMAGERESIZE_DB_CONNECTION_BUDGET`, or when its own dyno (`DYNO=web.3`)
/// lies beyond the declared formation.
public struct DatabaseConnectionBudget: Sendable, Equatable {
    /// Connections the database accepts from this app (the plan's limit).
    public var limit: Int
    /// Most dynos of each process type that run at once.
    public var formation: [String: Int]
    /// Connections kept free for the release phase's `imageresize migrate` and one-off dynos.
    public var reserved: Int

    public static let defaultFormation = ["web": 1, "store": 1]
    public static let defaultReserved = 2

    public init(limit: Int, formation: [String: Int] = defaultFormation, reserved: Int = defaultReserved) {
        self.limit = limit
        self.formation = formation
        self.reserved = reserved
    }

    /// Nil when `IMAGERESIZE_DB_CONNECTION_BUDGET` is unset: no budget to keep.
    public init?(environment: [String: String]) throws(ServiceConfigError) {
        guard let text = environment["IMAGERESIZE_DB_CONNECTION_BUDGET"], !text.isEmpty else { return nil }
        guard let limit = Int(text), (1...100_000).contains(limit) else {
            throw ServiceConfigError(
                variable: "IMAGERESIZE_DB_CONNECTION_BUDGET",
                problem: "must be the database's connection limit, an integer from 1 to 100000, got \"\(text)\"")
        }
        var reserved = Self.defaultReserved
        if let text = environment["IMAGERESIZE_DB_RESERVED"], !text.isEmpty {
            guard let value = Int(text), (0...1000).contains(value) else {
                throw ServiceConfigError(variable: "IMAGERESIZE_DB_RESERVED", problem: "must be an integer from 0 to 1000, got \"\(text)\"")
            }
            reserved = value
        }
        var formation = Self.defaultFormation
        if let text = environment["IMAGERESIZE_DB_FORMATION"], !text.isEmpty { formation = try Self.parseFormation(text) }
        self.init(limit: limit, formation: formation, reserved: reserved)
    }

    /// `web=2,store=1` (commas or spaces between entries).
    public static func parseFormation(_ text: String) throws(ServiceConfigError) -> [String: Int] {
        var formation: [String: Int] = [:]
        for entry in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
            let parts = entry.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty,
                parts[0].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }),
                let quantity = Int(parts[1]), (0...1000).contains(quantity)
            else {
                throw ServiceConfigError(
                    variable: "IMAGERESIZE_DB_FORMATION",
                    problem: "must list TYPE=QUANTITY entries (quantity 0 to 1000) such as \"web=2,store=1\", got \"\(entry)\"")
            }
            formation[String(parts[0])] = quantity
        }
        return formation
    }

    /// Connections one process of a type keeps open.
    public static func connections(perProcessOf type: String, config: ServiceConfig) -> Int {
        switch type {
        case "web": return config.databasePoolSize + 1
        case "store": return config.storeDatabasePoolSize
        default: return 0
        }
    }

    /// Connections the declared formation opens, reserve included.
    public func demand(config: ServiceConfig) -> Int {
        formation.reduce(reserved) { total, entry in
            total + entry.value * Self.connections(perProcessOf: entry.key, config: config)
        }
    }

    /// The demand written out term by term, for the refusal message.
    public func breakdown(config: ServiceConfig) -> String {
        // web, then store, as in the formula.
        let order = ["web": 0, "store": 1]
        let types = formation.keys.sorted { (order[$0] ?? 2, $0) < (order[$1] ?? 2, $1) }
        let terms = types.compactMap { type -> String? in
            let each = Self.connections(perProcessOf: type, config: config)
            guard each > 0, let quantity = formation[type] else { return nil }
            let what = type == "web" ? "(\(config.databasePoolSize) pool + 1 LISTEN)" : "\(each) pool"
            return "\(type) \(quantity) x \(what)"
        }
        return (terms + ["\(reserved) reserved"]).joined(separator: " + ") + " = \(demand(config: config))"
    }

    /// Throws when the formation needs more than the budget, or when `dyno`
    /// (Heroku's `DYNO`, e.g. `store.3`) is beyond the declared formation.
    public func check(config: ServiceConfig, dyno: String?) throws(ServiceConfigError) {
        let needed = demand(config: config)
        if needed > limit {
            throw ServiceConfigError(
                variable: "IMAGERESIZE_DB_CONNECTION_BUDGET",
                problem: "the formation needs \(breakdown(config: config)) Postgres connections, more than the budget of \(limit); "
                    + "lower IMAGERESIZE_DB_FORMATION, IMAGERESIZE_DB_POOL or IMAGERESIZE_STORE_DB_POOL, or move to a plan with more connections and raise the budget"
            )
        }
        guard let dyno, let dot = dyno.lastIndex(of: ".") else { return }
        let type = String(dyno[..<dot])
        guard let index = Int(dyno[dyno.index(after: dot)...]), let allowed = formation[type],
            Self.connections(perProcessOf: type, config: config) > 0, index > allowed
        else { return }
        let each = Self.connections(perProcessOf: type, config: config)
        throw ServiceConfigError(
            variable: "IMAGERESIZE_DB_FORMATION",
            problem: "this dyno is \(dyno) but the formation declares at most \(allowed) \(type) dynos; "
                + "each opens \(each) Postgres connections and the budget is \(limit) (\(breakdown(config: config))). "
                + "Scale back, or raise \(type) in IMAGERESIZE_DB_FORMATION if the budget allows")
    }
}

extension ServiceConfig {
    /// Called before a process opens database connections: refuses to start
    /// rather than take connections the rest of the formation counts on.
    public func checkDatabaseConnectionBudget() throws(ServiceConfigError) {
        try connectionBudget?.check(config: self, dyno: dyno)
    }
}
