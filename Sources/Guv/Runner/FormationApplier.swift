import Foundation
import Logging
import PlatformClients

/// What happened to one requested change.
public enum ApplyOutcome: Equatable, Sendable {
    case applied(Int)
    /// The plan refused `requested`; `limit` is what guv will ask for from now on.
    case clamped(requested: Int, limit: Int)
    case failed(String)
}

/// Sends one batch update per app and remembers plan limits.
///
/// guv asked Heroku for the same refused quantity every cycle; here a 422 sets a
/// ceiling for that process type, reported once, and later requests are capped.
/// The ceiling expires after `ceilingLifetime` so a plan upgrade is noticed without
/// a restart. A failing app or type never stops the others.
public actor FormationApplier {
    private let api: any FormationAPI
    private let logger: Logger
    private let ceilingLifetime: TimeInterval
    /// "app/type" -> highest quantity the plan accepted, and since when.
    private var ceilings: [String: (limit: Int, since: Date)] = [:]

    public init(
        api: any FormationAPI, ceilingLifetime: TimeInterval = 3600,
        logger: Logger = Logger(label: "guv.formation")
    ) {
        self.api = api
        self.ceilingLifetime = ceilingLifetime
        self.logger = logger
    }

    /// Cap a desired quantity by a known, unexpired plan limit.
    public func capped(app: String, type: String, _ quantity: Int) -> Int {
        let key = "\(app)/\(type)"
        guard let ceiling = ceilings[key] else { return quantity }
        if Date().timeIntervalSince(ceiling.since) >= ceilingLifetime {
            ceilings[key] = nil
            return quantity
        }
        return min(ceiling.limit, quantity)
    }

    /// Apply changes for one app. `current` is the formation before the change.
    public func apply(app: String, changes: [FormationUpdate], current: [String: Int]) async -> [String: ApplyOutcome] {
        var outcomes: [String: ApplyOutcome] = [:]
        var updates: [FormationUpdate] = []
        for change in changes {
            let quantity = capped(app: app, type: change.type, change.quantity)
            if quantity != change.quantity && quantity == current[change.type] {
                outcomes[change.type] = .clamped(requested: change.quantity, limit: quantity)
            } else {
                updates.append(FormationUpdate(type: change.type, quantity: quantity))
            }
        }
        guard !updates.isEmpty else { return outcomes }
        do {
            _ = try await api.update(app: app, updates: updates)
            for u in updates { outcomes[u.type] = .applied(u.quantity) }
        } catch let error as HerokuAPIError where updates.count > 1 && (error.isAboveLimit || error.status == 404) {
            // The batch is all-or-nothing: find the type that was refused.
            for u in updates {
                outcomes.merge(await applySingle(app: app, update: u, current: current)) { _, new in new }
            }
        } catch let error as HerokuAPIError where error.isAboveLimit {
            outcomes.merge(await clamp(app: app, update: updates[0], current: current, error: error)) { _, new in new }
        } catch {
            for u in updates { outcomes[u.type] = .failed("\(error)") }
        }
        return outcomes
    }

    private func applySingle(app: String, update: FormationUpdate, current: [String: Int]) async -> [String: ApplyOutcome] {
        do {
            _ = try await api.update(app: app, updates: [update])
            return [update.type: .applied(update.quantity)]
        } catch let error as HerokuAPIError where error.isAboveLimit {
            return await clamp(app: app, update: update, current: current, error: error)
        } catch {
            return [update.type: .failed("\(error)")]
        }
    }

    private func clamp(app: String, update: FormationUpdate, current: [String: Int], error: HerokuAPIError) async -> [String: ApplyOutcome] {
        let running = current[update.type] ?? 0
        var limit = Self.limit(in: error.message).map { min($0, update.quantity - 1) } ?? running
        limit = max(0, min(limit, update.quantity - 1))
        ceilings["\(app)/\(update.type)"] = (limit, Date())
        logger.warning(
            "plan refused \(update.type)=\(update.quantity) in app \(app) (\(error.message)); capping \(update.type) at \(limit) from now on")
        if limit > running {
            do {
                _ = try await api.update(app: app, updates: [FormationUpdate(type: update.type, quantity: limit)])
            } catch {
                return [update.type: .failed("\(error)")]
            }
        }
        return [update.type: .clamped(requested: update.quantity, limit: limit)]
    }

    /// Heroku says e.g. "Cannot run more than 10 Standard-1X dynos."
    static func limit(in message: String) -> Int? {
        guard let range = message.range(of: "more than ") else { return nil }
        let digits = message[range.upperBound...].prefix { $0.isNumber }
        return Int(digits)
    }
}
