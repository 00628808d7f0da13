import Foundation
import HTTPServer
import Testing
@testable import ImageResize

@Suite struct DemoStatsTests {
    @Test(arguments: [
        (#"{"name":"resize.IN","messages":12,"consumers":3,"messages_ready":10}"#, QueueFigures(messages: 12, consumers: 3)),
        (#"{"name":"resize.IN","consumers":0}"#, QueueFigures(messages: 0, consumers: 0)),
        (#"{"name":"resize.IN","messages":4.0,"consumers":"2"}"#, QueueFigures(messages: 4, consumers: 2)),
        // Numbers no Int holds read as unknown (0), not as a crash of the web process.
        (#"{"name":"resize.IN","messages":1e300,"consumers":-1e300}"#, QueueFigures(messages: 0, consumers: 0)),
        (#"{"name":"resize.IN","messages":9223372036854775808,"consumers":2.5}"#, QueueFigures(messages: 0, consumers: 0)),
    ])
    func readsQueueFigures(_ body: String, _ expected: QueueFigures) throws {
        #expect(try DemoStats.queueFigures(from: Data(body.utf8)) == expected)
    }

    @Test(arguments: ["not json", "[]", #"{"error":"Object Not Found","reason":"Not Found"}"#])
    func rejectsWhatIsNotAQueue(_ body: String) {
        #expect(throws: DemoStatsError.self) { try DemoStats.queueFigures(from: Data(body.utf8)) }
    }

    @Test(arguments: [
        (#"[{"type":"web","quantity":1},{"type":"resize","quantity":4}]"#, 4),
        (#"[{"type":"web","quantity":1}]"#, 0),
        (#"[]"#, 0),
    ])
    func readsFormationQuantity(_ body: String, _ expected: Int) throws {
        #expect(try DemoStats.formationQuantity(from: Data(body.utf8), type: "resize") == expected)
    }

    /// An app name from the command line is one path segment, whatever it holds.
    @Test(arguments: ["my app", "a/b", "ü%zz", "\u{0}"])
    func formationAppNamesAreEncoded(_ app: String) async throws {
        let client = FormationClient(url: try #require(URL(string: "http://127.0.0.1:9")), app: app, timeout: 1)
        await #expect(throws: DemoStatsError.self) { try await client.quantity(of: "resize") }
    }

    @Test func rejectsAFormationThatIsNotAList() {
        #expect(throws: DemoStatsError.self) { try DemoStats.formationQuantity(from: Data(#"{"id":"not_found"}"#.utf8), type: "resize") }
    }

    @Test(arguments: [
        ("http://admin:pw@rabbit:15672", nil, "http://admin:pw@rabbit:15672"),
        (nil, nil, "http://guest:guest@localhost:15672"),
        (nil, "amqp://guest:guest@localhost", "http://guest:guest@localhost:15672"),
        (nil, "amqp://guest:guest@localhost:5710", "http://guest:guest@localhost:15710"),
        (nil, "amqp://u:p%40ss@broker.example:5672/vh", "http://u:p%40ss@broker.example:15672"),
        (nil, "amqps://u:p@host.cloudamqp.com/u", "https://u:p@host.cloudamqp.com"),
        ("", "amqp://localhost", "http://guest:guest@localhost:15672"),
    ] as [(String?, String?, String)])
    func findsTheManagementAPI(_ explicit: String?, _ broker: String?, _ expected: String) {
        #expect(DemoStats.managementURL(explicit: explicit, brokerURL: broker)?.absoluteString == expected)
    }

    @Test func noManagementAPIForOtherBrokers() {
        #expect(DemoStats.managementURL(explicit: nil, brokerURL: "mqtt://localhost:1883") == nil)
    }

    @Test(arguments: [
        (nil, "/api/queues/%2F/resize.IN"),
        ("amqp://localhost", "/api/queues/%2F/resize.IN"),
        ("amqp://u:p@host/my%2Fhost", "/api/queues/my%2Fhost/resize.IN"),
        ("amqp://u:p@host/app", "/api/queues/app/resize.IN"),
    ] as [(String?, String)])
    func queuePathEncodesTheVirtualHost(_ broker: String?, _ expected: String) {
        #expect(DemoStats.queuePath(vhost: DemoStats.virtualHost(brokerURL: broker), queue: "resize.IN") == expected)
    }

    @Test func credentialsMoveToAnAuthorizationHeader() {
        let (url, authorization) = DemoStats.splitCredentials(URL(string: "http://guest:secret@localhost:15672")!)
        #expect(url.absoluteString == "http://localhost:15672")
        #expect(authorization == "Basic " + Data("guest:secret".utf8).base64EncodedString())
        let (plain, none) = DemoStats.splitCredentials(URL(string: "http://localhost:15672")!)
        #expect(plain.absoluteString == "http://localhost:15672" && none == nil)
    }
}

@Suite(.timeLimit(.minutes(1))) struct DemoPageTests {
    @Test func settingsComeFromTheEnvironment() {
        let settings = DemoSettings(environment: [
            "IMAGERESIZE_DEMO_IMAGES": " http://img/a.jpg, http://img/b.png ,,", "IMAGERESIZE_DEMO_DEADLINE": "12",
            "IMAGERESIZE_DEMO_QUEUE": "thumbs.IN",
        ], brokerURL: "amqp://guest:guest@localhost:5710/")
        #expect(settings.images == ["http://img/a.jpg", "http://img/b.png"])
        #expect(settings.deadline == 12)
        #expect(settings.queue == "thumbs.IN")
        #expect(settings.managementURL?.absoluteString == "http://guest:guest@localhost:15710")
        let defaults = DemoSettings(environment: ["IMAGERESIZE_DEMO_DEADLINE": "-3"], brokerURL: nil)
        #expect(defaults.images.isEmpty && defaults.deadline == 30 && defaults.queue == "resize.IN")
    }

    @Test func configCannotCloseTheScriptElement() {
        var settings = DemoSettings(environment: [:], brokerURL: nil)
        settings.images = ["http://x/</script><script>alert(1)</script>"]
        let html = DemoPageHTML.render(settings)
        #expect(!html.contains("</script><script>alert"))
        #expect(html.contains(#"<\/script>"#))
        #expect(!html.contains("__DEMO_CONFIG__"))
    }

    /// A page that pulls in nothing from elsewhere works offline on stage.
    @Test func pageIsSelfContained() {
        let html = DemoPageHTML.render(DemoSettings(environment: [:], brokerURL: nil))
        for external in ["src=\"http", "href=\"http", "@import", "<link "] {
            #expect(!html.contains(external), "\(external)")
        }
    }

    static func router(environment: [String: String]) throws -> Router {
        let add = try #require(DemoPage.routes(config: ServiceConfig(), environment: environment))
        var router = Router()
        add(&router)
        return router
    }

    @Test func servesThePageWithTheConfiguredImages() async throws {
        let router = try Self.router(environment: ["IMAGERESIZE_DEMO_IMAGES": "http://img.example/a.jpg"])
        let response = await router.respond(to: HTTPRequest(method: .get, target: "/?autostart=1&rate=60"))
        #expect(response.status.code == 200)
        #expect(response.headers["Content-Type"] == "text/html; charset=utf-8")
        let html = String(decoding: response.body, as: UTF8.self)
        #expect(html.contains(#""images":["http:\/\/img.example\/a.jpg"]"#) || html.contains(#""images":["http://img.example/a.jpg"]"#))
    }

    /// Nothing listens on port 1: the state still answers 200, with nulls and the reason.
    @Test func stateDegradesWhenTheManagementAPIIsUnreachable() async throws {
        let router = try Self.router(environment: ["RABBITMQ_MANAGEMENT_URL": "http://guest:guest@127.0.0.1:1"])
        let response = await router.respond(to: HTTPRequest(method: .get, target: "/demo/state"))
        #expect(response.status.code == 200)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(object["workers"] is NSNull)
        #expect(object["queue"] is NSNull)
        #expect(object["queue_name"] as? String == "resize.IN")
        #expect((object["management"] as? String)?.hasPrefix("unreachable: ") == true)
    }

    /// `GET /` serves `DemoPage.html` as checked in (compiled into the binary),
    /// with only the settings filled in.
    @Test func servesTheCheckedInHTMLFile() async throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = try String(contentsOf: root.appendingPathComponent("Sources/ImageResize/Web/DemoPage.html"), encoding: .utf8)
        #expect(file.contains("__DEMO_CONFIG__"))
        let router = try Self.router(environment: [:])
        let response = await router.respond(to: HTTPRequest(method: .get, target: "/"))
        let settings = DemoSettings(environment: [:], brokerURL: nil)
        #expect(String(decoding: response.body, as: UTF8.self)
                    == file.replacingOccurrences(of: "__DEMO_CONFIG__", with: DemoPageHTML.configJSON(settings)))
    }

    @Test func pageCanBeTurnedOff() {
        #expect(DemoPage.routes(config: ServiceConfig(), environment: ["IMAGERESIZE_DEMO_PAGE": "off"]) == nil)
    }
}

@Suite(.timeLimit(.minutes(1))) struct DemoStateMonitorTests {
    actor Reads {
        var count = 0
        func next() -> Int { count += 1; return count }
    }

    @Test func readsTheQueueOncePerMaxAge() async {
        let reads = Reads()
        let monitor = DemoStateMonitor(queue: "resize.IN", maxAge: .seconds(3600)) { name in
            #expect(name == "resize.IN")
            return QueueFigures(messages: 10 * (await reads.next()), consumers: 2)
        }
        let first = await monitor.state()
        let second = await monitor.state()
        #expect(first == DemoState(workers: 2, queue: 10, queueName: "resize.IN", management: "ok"))
        #expect(second == first)
        #expect(await reads.count == 1)
    }

    @Test func aFailedReadGivesNullsAndTheReason() async {
        let monitor = DemoStateMonitor(queue: "resize.IN", maxAge: .zero) { _ in throw DemoStatsError("connection refused") }
        let state = await monitor.state()
        #expect(state == DemoState(workers: nil, queue: nil, queueName: "resize.IN", management: "unreachable: connection refused"))
    }
}
