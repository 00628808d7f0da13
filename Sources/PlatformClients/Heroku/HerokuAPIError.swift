/// An error answer of the Platform API, with Heroku's error id (`not_found`,
/// `cannot_run_above_limit`, ...).
public struct HerokuAPIError: Error, CustomStringConvertible, Equatable, Sendable {
    public var app: String
    public var status: Int
    public var id: String
    public var message: String

    public init(app: String, status: Int, id: String, message: String) {
        self.app = app
        self.status = status
        self.id = id
        self.message = message
    }

    public var description: String { "Heroku API \(status) \(id) for app '\(app)': \(message)" }

    /// Heroku rejects scaling beyond the plan's dyno limit with 422.
    public var isAboveLimit: Bool { status == 422 }
}

/// The body of every Platform API error, `{"id": ..., "message": ...}`: what
/// the client reads and what the local formation answers.
public struct HerokuErrorBody: Codable, Equatable, Sendable {
    public var id: String
    public var message: String

    public init(id: String, message: String) {
        self.id = id
        self.message = message
    }
}
