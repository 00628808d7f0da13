import Foundation
import LoadTest
import PlatformClients
import Synchronization

/// The latest sampled values, shared by the sampler's probes and the live
/// progress line so the line shows queue depth and workers as they change.
final class LatestSamples: Sendable {
    private let values = Mutex<[(name: String, value: Double)]>([])

    func set(_ name: String, _ value: Double) {
        values.withLock { values in
            if let index = values.firstIndex(where: { $0.name == name }) { values[index].value = value } else { values.append((name, value)) }
        }
    }

    /// e.g. " | resize.IN 12 workers 2"; empty before the first sample.
    var suffix: String {
        values.withLock { values in
            values.isEmpty ? "" : " |" + values.map { " \($0.name) \(Int($0.value))" }.joined()
        }
    }
}

/// Builds the sampler probes of a load test: queue depth of the worker queue
/// and the worker count, from the formation API when given, else from the
/// queue's consumers.
struct LoadTestProbes {
    var management: RabbitMQManagementClient?
    var queue: String
    var formation: HerokuClient?
    var formationApp: String
    var formationType: String
    let latest = LatestSamples()

    /// Probes for what answers now; what does not is reported once and left out,
    /// so a run without a management API still works.
    func probes(warn: (String) -> Void) async -> [Sampler.Probe] {
        var probes: [Sampler.Probe] = []
        let latest = self.latest
        if let management {
            do {
                _ = try await management.queue(queue)
                let queue = self.queue
                probes.append(
                    Sampler.Probe(name: queue, unit: "messages") {
                        let value = Double(try await management.queue(queue).messages)
                        latest.set(queue, value)
                        return value
                    })
                if formation == nil {
                    probes.append(
                        Sampler.Probe(name: "workers", unit: "workers") {
                            let value = Double(try await management.queue(queue).consumers)
                            latest.set("workers", value)
                            return value
                        })
                }
            } catch {
                warn("queue sampling off: \(error)")
            }
        }
        if let formation {
            let (app, type) = (formationApp, formationType)
            do {
                _ = try await formation.quantity(app: app, type: type)
                probes.append(
                    Sampler.Probe(name: "workers", unit: "workers") {
                        let value = Double(try await formation.quantity(app: app, type: type))
                        latest.set("workers", value)
                        return value
                    })
            } catch {
                warn("worker sampling off: \(error)")
            }
        }
        return probes
    }
}
