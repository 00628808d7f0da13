import Foundation
import Logging
import PlatformClients

/// Runs guv's iteration: observe every role's queue, read each app's formation
/// once, decide per role, and apply one batch per app for the roles that change.
///
/// Errors stay local: a missing queue, process type or app marks that role's
/// record and the others carry on.
public actor Governor {
    public let config: GuvConfig
    private let stats: any QueueStatsSource
    private let applier: FormationApplier?
    private let formation: (any FormationAPI)?
    private let dryRun: Bool
    private var scalers: [String: RoleScaler] = [:]

    /// - Parameter formation: nil when there is nothing to read or scale (dry run without API).
    public init(
        config: GuvConfig, stats: any QueueStatsSource, formation: (any FormationAPI)?,
        dryRun: Bool, predictive: PredictiveEstimate = PredictiveEstimate()
    ) {
        self.config = config
        self.stats = stats
        self.formation = formation
        self.applier = formation.map { FormationApplier(api: $0) }
        self.dryRun = dryRun
        for role in config.roles { scalers[role.name] = RoleScaler(config: role, predictive: predictive) }
    }

    /// One guv iteration over all roles; returns one record per role, in config order.
    public func iterate(now: Date = Date()) async -> [RoleRecord] {
        var formations: [String: Result<[String: Int], Error>] = [:]
        if let formation {
            for app in config.apps {
                do {
                    let entries = try await formation.formation(app: app)
                    formations[app] = .success(Dictionary(entries.map { ($0.type, $0.quantity) }, uniquingKeysWith: { a, _ in a }))
                } catch {
                    formations[app] = .failure(error)
                }
            }
        }
        var records: [RoleRecord] = []
        var changes: [String: [FormationUpdate]] = [:]
        for role in config.roles {
            var record = RoleRecord(
                time: now, role: role.name, app: role.app, worker: role.worker,
                queue: role.queue, policy: role.policy, dryRun: dryRun)
            var current: Int?
            var canScale = formation != nil
            if let app = role.app, let result = formations[app] {
                switch result {
                case .success(let quantities):
                    if let q = quantities[role.worker] {
                        current = q
                    } else {
                        record.error = "process type '\(role.worker)' missing in app '\(app)'; check the role's 'worker' key and the Procfile"
                        canScale = false
                    }
                case .failure(let error):
                    record.error = "formation of app '\(app)': \(error)"
                    canScale = false
                }
            }
            record.current = current
            do {
                let q = try await stats.observe(queue: role.queue)
                record.messages = q.messages
                record.ready = q.ready
                record.unacked = q.unacknowledged
                record.consumers = q.consumers
                record.publishRate = q.publishRate
                record.ackRate = q.ackRate
                var scaler = scalers[role.name]!
                var decision = scaler.decide(queue: q, current: current)
                scalers[role.name] = scaler
                if let next = decision.next, let app = role.app, let applier {
                    let capped = await applier.capped(app: app, type: role.worker, next)
                    decision.next = capped == current ? nil : capped
                }
                record.estimate = decision.estimate
                // Without a readable formation nothing can be set; the error says why.
                record.new = (formation == nil || canScale) ? decision.next : nil
                if let next = decision.next, let app = role.app, canScale {
                    changes[app, default: []].append(FormationUpdate(type: role.worker, quantity: next))
                }
            } catch {
                record.error = [record.error, "queue '\(role.queue)': \(error)"].compactMap { $0 }.joined(separator: "; ")
            }
            records.append(record)
        }
        if !dryRun, let applier {
            for app in config.apps {
                guard let updates = changes[app], !updates.isEmpty else { continue }
                let current = (try? formations[app]?.get()) ?? [:]
                let outcomes = await applier.apply(app: app, changes: updates, current: current)
                for i in records.indices where records[i].app == app {
                    switch outcomes[records[i].worker] {
                    case .clamped(let requested, let limit)?:
                        records[i].new = limit == records[i].current ? nil : limit
                        records[i].error = "plan limit: asked \(requested), capped at \(limit)"
                    case .failed(let message)?:
                        records[i].error = "scaling failed: \(message)"
                    default: break
                    }
                }
            }
        }
        return records
    }
}
