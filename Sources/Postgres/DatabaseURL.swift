import Foundation

/// Where the 12-factor processes find their database.
public enum DatabaseURL {
    /// `DATABASE_URL` from the environment, or a clear error naming it.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment,
        variable: String = "DATABASE_URL"
    ) throws -> String {
        guard let url = environment[variable], !url.isEmpty else {
            throw PostgresError(kind: .invalidConfiguration, message: "\(variable) is not set")
        }
        return url
    }
}
