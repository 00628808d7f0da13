import Foundation
import TestSupport
import Testing

@testable import Guv

@Suite("Guv config", .logsOnFailure)
struct ConfigTests {
    static let empty: [String: String] = [:]

    struct Expectation: Sendable, CustomStringConvertible {
        var yaml: String
        var role: String
        var check: @Sendable (RoleConfig) -> Bool
        var note: String
        var description: String { note }
    }

    static let resolved: [Expectation] = [
        Expectation(
            yaml: "r: {}", role: "r",
            check: {
                $0.processing == 10 && $0.stddev == 5 && $0.deadline == 60 && $0.percentile == 99 && $0.concurrency == 1
                    && $0.minimum == 1 && $0.maximum == 5 && $0.boot == 30 && $0.worker == "r" && $0.queue == "r"
                    && $0.pollinterval == 30 && $0.history == 120 && $0.policy == .guv
            }, note: "guv's defaults"),
        Expectation(yaml: "r:", role: "r", check: { $0.processing == 10 }, note: "a role with no settings"),
        Expectation(
            yaml: "r: {p: 4, d: 90, w: worker1, q: queue1, min: 0, max: 9}", role: "r",
            check: {
                $0.processing == 4 && $0.deadline == 90 && $0.worker == "worker1" && $0.queue == "queue1"
                    && $0.minimum == 0 && $0.maximum == 9 && $0.stddev == 2
            }, note: "shorthands"),
        Expectation(
            yaml: "'*': {max: 40, deadline: 90, app: shop}\nr: {deadline: 30}", role: "r",
            check: {
                $0.maximum == 40 && $0.deadline == 30 && $0.app == "shop"
            }, note: "'*' inheritance, role wins"),
        Expectation(
            yaml: "'*': {pollinterval: 5, history: 60}\nr: {}", role: "r",
            check: {
                $0.pollinterval == 5 && $0.history == 60 && $0.historySize == 12
            }, note: "globals reach roles"),
        Expectation(
            yaml: "r: {processing: 10, stddev: 5, deadline: 60}", role: "r",
            check: {
                abs($0.target - (60 - 2.3263478740 * 5)) < 1e-6
            }, note: "target at 99th percentile"),
        Expectation(
            yaml: "r: {processing: 10, stddev: 5, deadline: 60, percentile: 95}", role: "r",
            check: {
                abs($0.target - (60 - 1.6448536270 * 5)) < 1e-6
            }, note: "target at any percentile"),
        Expectation(yaml: "r: {processing: 10, target: 20}", role: "r", check: { $0.target == 20 }, note: "target set directly"),
        Expectation(
            yaml: "r: {processing: 60, deadline: 61}", role: "r",
            check: {
                $0.targetUnrealizable && abs($0.target - 60.01) < 1e-9
            }, note: "unrealizable target becomes processing + 0.01"),
        Expectation(
            yaml: "{\"*\": {\"max\": 7}, \"r\": {\"queue\": \"r.IN\", \"policy\": \"predictive\"}}", role: "r",
            check: {
                $0.maximum == 7 && $0.queue == "r.IN" && $0.policy == .predictive
            }, note: "JSON"),
        Expectation(yaml: "r: {stddev: 0}", role: "r", check: { $0.stddev == 0 && $0.target == 60 }, note: "explicit zero stddev kept"),
    ]

    @Test("resolves", arguments: resolved)
    func resolves(_ e: Expectation) throws {
        let config = try ConfigLoader.load(e.yaml, environment: Self.empty)
        let role = try #require(config.role(named: e.role))
        #expect(e.check(role))
    }

    static let invalid: [(String, [ConfigProblem])] = [
        ("r: {proccessing: 3}", [ConfigProblem(role: "r", key: "proccessing", message: "")]),
        ("r: {p:60, deadline: 240}", [ConfigProblem(role: "r", key: "p:60", message: "")]),
        ("r: {deadline: soon}", [ConfigProblem(role: "r", key: "deadline", message: "")]),
        ("r: {deadline: '60'}", [ConfigProblem(role: "r", key: "deadline", message: "")]),
        ("r: {queue: [a, b]}", [ConfigProblem(role: "r", key: "queue", message: "")]),
        ("r: {concurrency: 0}", [ConfigProblem(role: "r", key: "concurrency", message: "")]),
        ("r: {concurrency: 1.5}", [ConfigProblem(role: "r", key: "concurrency", message: "")]),
        ("r: {min: 4, max: 2}", [ConfigProblem(role: "r", key: "maximum", message: "")]),
        ("r: {min: -1}", [ConfigProblem(role: "r", key: "minimum", message: "")]),
        ("r: {percentile: 100}", [ConfigProblem(role: "r", key: "percentile", message: "")]),
        ("r: {processing: 0}", [ConfigProblem(role: "r", key: "processing", message: "")]),
        ("r: {policy: magic}", [ConfigProblem(role: "r", key: "policy", message: "")]),
        ("r: {pollinterval: 5}", [ConfigProblem(role: "r", key: "pollinterval", message: "")]),
        ("r: {p: 1, processing: 2}", [ConfigProblem(role: "r", key: "processing", message: "")]),
        ("'*': {pollinterval: 0}\nr: {}", [ConfigProblem(role: "*", key: "pollinterval", message: "")]),
        // Extremes that would trap the scaler's poll counts (Int of history / pollinterval, boot / pollinterval).
        ("'*': {pollinterval: 1e-300}\nr: {}", [ConfigProblem(role: "*", key: "pollinterval", message: "")]),
        ("'*': {pollinterval: 1e308}\nr: {}", [ConfigProblem(role: "*", key: "pollinterval", message: "")]),
        ("'*': {history: 1e308}\nr: {}", [ConfigProblem(role: "*", key: "history", message: "")]),
        ("'*': {history: .nan}\nr: {}", [ConfigProblem(role: "*", key: "history", message: "")]),
        ("r: {boot: 1e308}", [ConfigProblem(role: "r", key: "boot", message: "")]),
        ("r: {boot: -1}", [ConfigProblem(role: "r", key: "boot", message: "")]),
        ("'*': {concurrency: 0}\na: {}\nb: {}\nc: {concurrency: 2}", [ConfigProblem(role: "*", key: "concurrency", message: "")]),
        ("'*': {min: 3}\na: {max: 2}", [ConfigProblem(role: "a", key: "maximum", message: "")]),
        ("r: 5", [ConfigProblem(role: "r", key: nil, message: "")]),
        (
            "a: {foo: 1}\nb: {max: -2, bar: x}",
            [
                ConfigProblem(role: "a", key: "foo", message: ""),
                ConfigProblem(role: "b", key: "bar", message: ""),
                ConfigProblem(role: "b", key: "maximum", message: ""),
            ]
        ),
    ]

    @Test("names role and key of every problem", arguments: invalid)
    func rejects(_ yaml: String, _ expected: [ConfigProblem]) {
        do {
            _ = try ConfigLoader.load(yaml, environment: Self.empty)
            Issue.record("accepted invalid config: \(yaml)")
        } catch {
            let located = error.problems.map { "\($0.role)/\($0.key ?? "-")" }.sorted()
            #expect(located == expected.map { "\($0.role)/\($0.key ?? "-")" }.sorted())
            #expect(error.problems.allSatisfy { !$0.message.isEmpty })
        }
    }

    @Test func flowMapWithoutSpaceGetsAHint() throws {
        let error = try #require(throws: ConfigError.self) { try ConfigLoader.load("r: {p:60}", environment: Self.empty) }
        #expect(error.description.contains("{p: 60}"))
    }

    @Test func environmentFillsAppBrokerAndKey() throws {
        let env = ["GUV_APP": "shop", "CLOUDAMQP_URL": "amqps://u:p@host/vh", "HEROKU_API_KEY": "k"]
        let config = try ConfigLoader.load("r: {}", environment: env)
        #expect(config.roles[0].app == "shop")
        #expect(config.broker == "amqps://u:p@host/vh")
        #expect(config.apikey == "k")
        #expect(config.problemsForRun(requireApiKey: true).isEmpty)
        let guvBrokerWins = try ConfigLoader.load("r: {}", environment: env.merging(["GUV_BROKER": "amqp://x"]) { a, _ in a })
        #expect(guvBrokerWins.broker == "amqp://x")
    }

    @Test func runRequirementsNameTheMissingKeys() throws {
        let config = try ConfigLoader.load("r: {}", environment: Self.empty)
        let keys = config.problemsForRun(requireApiKey: true).map { "\($0.role)/\($0.key ?? "")" }
        #expect(keys == ["*/broker", "*/apikey", "r/app"])
    }

    @Test func rolesKeepFileOrder() throws {
        let config = try ConfigLoader.load("zeta: {}\nalpha: {}\n'*': {}\nmid: {}", environment: Self.empty)
        #expect(config.roles.map(\.name) == ["zeta", "alpha", "mid"])
    }

    @Test func textSourcePrecedence() throws {
        #expect(try ConfigLoader.text(file: nil, string: "a: {}", environment: ["GUV_CONFIG": "b: {}"]) == "a: {}")
        #expect(try ConfigLoader.text(file: nil, string: nil, environment: ["GUV_CONFIG": "b: {}"]) == "b: {}")
        #expect(throws: ConfigError.self) { try ConfigLoader.text(file: nil, string: nil, environment: [:]) }
        #expect(throws: ConfigError.self) { try ConfigLoader.text(file: "/nonexistent/guv.yaml", string: nil, environment: [:]) }
    }

    @Test func repositoryConfigForImageResizeIsValid() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config/guv.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let config = try ConfigLoader.load(text, environment: Self.empty)
        let resize = try #require(config.role(named: "resize"))
        #expect(resize.queue == "resize.IN" && resize.worker == "resize" && resize.concurrency == 1)
        #expect(resize.deadline == 30 && resize.minimum == 1 && resize.maximum == 6)
        #expect(config.warnings.isEmpty)
    }

    static let quantiles: [(Double, Double)] = [
        (0.5, 0), (0.99, 2.3263478740), (0.95, 1.6448536270), (0.999, 3.0902323062),
        (0.01, -2.3263478740), (0.8413447461, 1.0), (0.9999, 3.7190164855),
    ]

    @Test("inverse normal CDF", arguments: quantiles)
    func inverseNormal(_ p: Double, _ z: Double) {
        #expect(abs(InverseNormal.quantile(p) - z) < 1e-6)
    }
}
