import Foundation

/// guv 0.3's proportional estimate, reproduced exactly so existing GuvScale configs
/// scale the same way here.
public enum GuvEstimate {
    /// Workers needed (unbounded, fractional) so N jobs finish within the target:
    /// waiting = ceil(N / concurrency) * processing, available = max(p, target - p).
    public static func proportional(messages: Int, config: RoleConfig) -> Double {
        let batches = (Double(max(0, messages)) / Double(config.concurrency)).rounded(.up)
        let waiting = batches * config.processing
        let available = max(config.processing, config.target - config.processing)
        return waiting / available
    }

    /// The bounded worker estimate: clamp(ceil(proportional), minimum, maximum).
    public static func workers(messages: Int, config: RoleConfig) -> Int {
        let raw = proportional(messages: messages, config: config).rounded(.up)
        let bounded = min(max(raw, Double(config.minimum)), Double(config.maximum))
        return Int(bounded)
    }
}
