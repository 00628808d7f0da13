import Foundation

extension RuntimeSettings {
    /// Where a runtime mounted in another service's HTTP server lives (on
    /// Heroku only `web` has a port): the FBP WebSocket and the graph page.
    public static let embeddedSocketPath = "/runtime"
    public static let embeddedPagePath = "/graph"

    /// The runtime `imageresize web` mounts, or nil when `MSGFLO_RUNTIME_SECRET`
    /// is not set: a runtime that rewires the system is never served without one.
    /// The graph is `MSGFLO_RUNTIME_GRAPH`, else `graphs/imageresize.fbp` when it
    /// exists (the one `msgflo setup` applies); it is not saved (a slug is
    /// read-only), and processes are the platform's business, not the runtime's.
    public static func embedded(brokerURL: String, environment: [String: String]) -> RuntimeSettings? {
        guard let secret = secret(flag: nil, environment: environment) else { return nil }
        var settings = RuntimeSettings(brokerURL: brokerURL)
        settings.secret = secret
        settings.label = "MsgFlo runtime (image resize)"
        if let graph = environment["MSGFLO_RUNTIME_GRAPH"], !graph.isEmpty {
            settings.graphPaths = [graph]
        } else if FileManager.default.fileExists(atPath: "graphs/imageresize.fbp") {
            settings.graphPaths = ["graphs/imageresize.fbp"]
        }
        return settings
    }
}
