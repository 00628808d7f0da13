/// Names one connected protocol client (one WebSocket) for the life of its connection.
///
/// The shell picks the values; the coordinator only compares and orders them,
/// so messages to several clients go out in a stable order.
public struct ClientID: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static func < (lhs: ClientID, rhs: ClientID) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }
}
