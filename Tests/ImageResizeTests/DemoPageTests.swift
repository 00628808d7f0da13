import Foundation
import HTTPServer
import PlatformClients
import TestSupport
import Testing

@testable import ImageResize

@Suite(.timeLimit(.minutes(1)), .logsOnFailure) struct DemoPageTests {
    @Test func settingsComeFromTheEnvironment() throws {
        let settings = DemoSettings(
            environment: [
                "IMAGERESIZE_DEMO_IMAGES": " http://img/a.jpg, http://img/b.png ,,", "IMAGERESIZE_DEMO_DEADLINE": "12",
                "IMAGERESIZE_DEMO_QUEUE": "thumbs.IN",
            ], brokerURL: "amqp://guest:guest@localhost:5710/")
        #expect(settings.images == ["http://img/a.jpg", "http://img/b.png"])
        #expect(settings.deadline == 12)
        #expect(settings.queue == "thumbs.IN")
        // The management API by the one rule: the AMQP port does not move it...
        #expect(try settings.management.get().apiURL.absoluteString == "http://localhost:15672/api")
        let defaults = DemoSettings(environment: ["IMAGERESIZE_DEMO_DEADLINE": "-3"], brokerURL: nil)
        #expect(defaults.images.isEmpty && defaults.deadline == 30 && defaults.queue == "resize.IN")
        #expect(try defaults.management.get().apiURL.absoluteString == "http://localhost:15672/api")
    }

    /// ...what `scripts/services env` exports for the demo's 5710/15710 does, and
    /// the vhost comes from the broker URL.
    @Test func theManagementAPIFollowsTheOneRule() throws {
        let demo = DemoSettings(
            environment: ["RABBITMQ_MANAGEMENT_URL": "http://guest:guest@localhost:15710"],
            brokerURL: "amqp://guest:guest@localhost:5710/demo")
        let endpoint = try demo.management.get()
        #expect(endpoint.apiURL.absoluteString == "http://localhost:15710/api" && endpoint.vhost == "demo")
        let hosted = try DemoSettings(environment: [:], brokerURL: "amqps://u:p@bunny.rmq.cloudamqp.com/u").management.get()
        #expect(hosted.apiURL.absoluteString == "https://bunny.rmq.cloudamqp.com/api" && hosted.username == "u")
        let mqtt = DemoSettings(environment: [:], brokerURL: "mqtt://localhost:1883")
        #expect(throws: ManagementError.self) { try mqtt.management.get() }
    }

    /// With no management API to read, the state says why.
    @Test func stateSaysWhyWithoutAManagementAPI() async throws {
        var config = ServiceConfig()
        config.brokerURL = "mqtt://localhost:1883"
        let routes = try #require(DemoPage.routes(config: config, environment: [:]))
        var router = Router()
        routes(&router)
        let response = await router.respond(to: HTTPRequest(method: .get, target: "/demo/state"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(object["workers"] is NSNull)
        #expect((object["management"] as? String)?.contains("RABBITMQ_MANAGEMENT_URL") == true)
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
        #expect(
            String(decoding: response.body, as: UTF8.self)
                == file.replacingOccurrences(of: "__DEMO_CONFIG__", with: DemoPageHTML.configJSON(settings)))
    }

    @Test func pageCanBeTurnedOff() {
        #expect(DemoPage.routes(config: ServiceConfig(), environment: ["IMAGERESIZE_DEMO_PAGE": "off"]) == nil)
    }
}

@Suite(.timeLimit(.minutes(1)), .logsOnFailure) struct DemoStateMonitorTests {
    actor Reads {
        var count = 0
        func next() -> Int {
            count += 1
            return count
        }
    }

    @Test func readsTheQueueOncePerMaxAge() async {
        let reads = Reads()
        let monitor = DemoStateMonitor(queue: "resize.IN", maxAge: .seconds(3600)) { name in
            #expect(name == "resize.IN")
            return QueueStats(name: name, messages: 10 * (await reads.next()), consumers: 2)
        }
        let first = await monitor.state()
        let second = await monitor.state()
        #expect(first == DemoState(workers: 2, queue: 10, queueName: "resize.IN", management: "ok"))
        #expect(second == first)
        #expect(await reads.count == 1)
    }

    @Test func aFailedReadGivesNullsAndTheReason() async {
        let monitor = DemoStateMonitor(queue: "resize.IN", maxAge: .zero) { _ in
            throw ManagementError.unreachable(url: "http://localhost:15672/api", reason: "connection refused")
        }
        let state = await monitor.state()
        #expect(
            state
                == DemoState(
                    workers: nil, queue: nil, queueName: "resize.IN",
                    management: "unreachable: "
                        + ManagementError.unreachable(url: "http://localhost:15672/api", reason: "connection refused").description))
    }
}
