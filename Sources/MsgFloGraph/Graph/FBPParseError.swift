import MsgFlo

/// Why a `.fbp` text was rejected, and where: 1-based line and column (in Unicode scalars).
public struct FBPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var cause: String

    public init(line: Int, column: Int, cause: String) {
        self.line = line
        self.column = column
        self.cause = cause
    }

    public var description: String { "line \(line), column \(column): \(cause)" }
}
