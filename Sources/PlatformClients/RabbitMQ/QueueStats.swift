/// One queue as the management API reports it: what autoscaling and the demo
/// need. The statistics are sampled by the broker (every 5 s by default), so
/// they lag the queue by up to that.
public struct QueueStats: Sendable, Hashable, Decodable {
    public var name: String
    public var vhost: String
    /// Ready plus unacknowledged messages (guv's N).
    public var messages: Int
    public var ready: Int
    public var unacknowledged: Int
    /// One per consuming channel: the running workers of a participant queue.
    public var consumers: Int
    /// Messages published into the queue per second (fill rate).
    public var publishRate: Double
    /// Messages acknowledged per second (drain rate).
    public var ackRate: Double
    /// Messages delivered to consumers per second.
    public var deliverRate: Double

    public init(
        name: String, vhost: String = "/", messages: Int = 0, ready: Int? = nil, unacknowledged: Int = 0,
        consumers: Int = 0, publishRate: Double = 0, ackRate: Double = 0, deliverRate: Double = 0
    ) {
        self.name = name
        self.vhost = vhost
        self.messages = messages
        self.ready = ready ?? max(0, messages - unacknowledged)
        self.unacknowledged = unacknowledged
        self.consumers = consumers
        self.publishRate = publishRate
        self.ackRate = ackRate
        self.deliverRate = deliverRate
    }

    enum CodingKeys: String, CodingKey {
        case name, vhost, messages, consumers
        case ready = "messages_ready"
        case unacknowledged = "messages_unacknowledged"
        case messageStats = "message_stats"
    }

    enum StatsKeys: String, CodingKey {
        case publish = "publish_details"
        case ack = "ack_details"
        case deliver = "deliver_get_details"
    }

    struct Rate: Decodable { var rate: Double? }

    /// A queue just declared has no counts yet and an idle one no
    /// `message_stats`: both read as 0. `name` is required, so an answer that
    /// is not a queue object fails to decode.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        vhost = try c.decodeIfPresent(String.self, forKey: .vhost) ?? "/"
        messages = try c.decodeIfPresent(Int.self, forKey: .messages) ?? 0
        unacknowledged = try c.decodeIfPresent(Int.self, forKey: .unacknowledged) ?? 0
        ready = try c.decodeIfPresent(Int.self, forKey: .ready) ?? max(0, messages - unacknowledged)
        consumers = try c.decodeIfPresent(Int.self, forKey: .consumers) ?? 0
        let stats = try? c.nestedContainer(keyedBy: StatsKeys.self, forKey: .messageStats)
        func rate(_ key: StatsKeys) -> Double { ((try? stats?.decodeIfPresent(Rate.self, forKey: key)) ?? nil)?.rate ?? 0 }
        publishRate = rate(.publish)
        ackRate = rate(.ack)
        deliverRate = rate(.deliver)
    }
}
