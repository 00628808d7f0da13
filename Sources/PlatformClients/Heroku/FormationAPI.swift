import Foundation

/// One process type of an app's formation, as the Heroku Platform API returns it.
public struct FormationEntry: Codable, Equatable, Sendable {
    public var type: String
    public var quantity: Int
    public var command: String?
    public var size: String?

    public init(type: String, quantity: Int, command: String? = nil, size: String? = nil) {
        self.type = type
        self.quantity = quantity
        self.command = command
        self.size = size
    }
}

/// One entry of a batch formation update.
public struct FormationUpdate: Codable, Equatable, Sendable {
    public var type: String
    public var quantity: Int

    public init(type: String, quantity: Int) {
        self.type = type
        self.quantity = quantity
    }
}

/// Read and scale an app's formation: Heroku, or the local formation (`guv formation`)
/// behind the same API. A protocol so guv's governor is tested without a network.
public protocol FormationAPI: Sendable {
    func formation(app: String) async throws -> [FormationEntry]
    func update(app: String, updates: [FormationUpdate]) async throws -> [FormationEntry]
}
