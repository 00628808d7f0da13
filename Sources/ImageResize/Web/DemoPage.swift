import HTTPServer

/// The demo page served at `/` (issue 5).
public enum DemoPage {
    public static func routes(config: ServiceConfig) -> (@Sendable (inout Router) -> Void)? {
        nil
    }
}
