import Foundation

/// Prometheus text exposition of the last iteration's records, one gauge family per
/// figure and a `role` label, so a dashboard can plot queue, estimate and workers.
public enum MetricsText {
    public static func render(_ records: [RoleRecord]) -> String {
        let families: [(String, String, (RoleRecord) -> Double?)] = [
            ("guv_queue_messages", "Ready plus unacknowledged messages", { $0.messages.map(Double.init) }),
            ("guv_queue_consumers", "Consumers on the queue", { $0.consumers.map(Double.init) }),
            ("guv_queue_publish_rate", "Messages published per second", { $0.publishRate }),
            ("guv_queue_ack_rate", "Messages acknowledged per second", { $0.ackRate }),
            ("guv_estimate_workers", "Workers the policy estimates", { $0.estimate.map(Double.init) }),
            ("guv_current_workers", "Workers in the formation", { $0.current.map(Double.init) }),
            ("guv_target_workers", "Workers set this iteration (current when kept)", { r in (r.new ?? r.current).map(Double.init) }),
            ("guv_role_error", "1 when the role's last iteration failed", { $0.error == nil ? 0 : 1 }),
        ]
        var out = ""
        for (name, help, value) in families {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for r in records {
                if let v = value(r) { out += "\(name){role=\"\(r.role)\"} \(v)\n" }
            }
        }
        return out
    }
}
