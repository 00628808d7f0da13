import Foundation
import MsgFlo
import PlatformClients

/// Bounds the `fbp` discovery queue while no coordinator consumes it:
/// participants keep announcing themselves every half minute, and without a
/// bound the queue would grow for as long as the system runs.
///
/// A broker policy, not queue arguments: msgflo-nodejs, msgflo-python and
/// this package all declare `fbp` plain (durable, no arguments), and a
/// declaration with other arguments than the queue has fails (406). The
/// oldest announcements go first (drop-head): the newest say who is alive.
public enum DiscoveryQueuePolicy {
    public static let name = "msgflo-fbp-max-length"
    /// Enough for every participant of a large system to be seen several times over.
    public static let maxLength = 1000

    public static var policy: RabbitMQPolicy {
        // Priority 1: a catch-all policy of priority 0 (".*") does not silently replace it.
        RabbitMQPolicy.maxLength(name: name, queue: DiscoveryMessage.queue, messages: maxLength, overflow: .dropHead, priority: 1)
    }

    /// Creates or replaces the policy in the client's virtual host.
    public static func apply(with client: RabbitMQManagementClient) async throws(ManagementError) {
        try await client.putPolicy(policy)
    }
}
