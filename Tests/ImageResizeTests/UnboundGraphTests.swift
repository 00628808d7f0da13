import Foundation
import HTTPServer
import Logging
import MsgFlo
import MsgFloAMQP
import TestSupport
import Testing

@testable import ImageResize

/// POST /jobs through the real web participant on the shared RabbitMQ
/// (MSGFLO_TEST_BROKER) when its edge is not bound: a fresh broker before
/// `msgflo setup` must not swallow the job.
@Suite(.tags(.amqpIntegration), .timeLimit(.minutes(2)), .logsOnFailure) struct UnboundGraphTests {
    @Test func jobOnAnUnboundEdgeIs503AndNotKeptThenAcceptedOnceBound() async throws {
        let role = "web" + UUID().uuidString.prefix(8).lowercased()
        let definition = ParticipantDefinition.conventional(
            role: role, component: "imageresize/HttpApi", label: "test", icon: "globe", inports: [], outports: ["resizeimage"])
        let transport = try AMQPTransport(url: AMQPTestBroker.url, configuration: AMQPTestBroker.configuration())
        let participant = Participant(definition: definition, transport: transport) { _, _, _ in }
        try await participant.start()
        let exchange = try #require(definition.outport("resizeimage")).queue

        let store = InMemoryJobStore()
        var config = ServiceConfig()
        config.publishTimeout = 10
        let router = WebAPI(
            config: config, store: store, storage: InMemoryImageStorage(),
            publisher: ParticipantJobPublisher(participant: participant, port: "resizeimage"),
            waiter: JobWaiter(), metrics: Metrics(), logger: WebAPIHarness.quiet
        ).router()
        func post() async -> (status: Int, headers: HTTPHeaders, json: [String: Any]) {
            let request = HTTPRequest(
                method: .post, target: "/jobs", headers: WebAPIHarness.json, body: Array(WebAPIHarness.jobBody(images: 2).utf8),
                logger: WebAPIHarness.quiet)
            let response = await router.respond(to: request)
            let json = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
            return (response.status.code, response.headers, json)
        }

        let refused = await post()
        #expect(refused.status == 503)
        let error = refused.json["error"] as? [String: Any]
        #expect(error?["code"] as? String == "bindings_missing")
        #expect((error?["message"] as? String)?.contains("msgflo setup graphs/imageresize.fbp") == true)
        #expect(refused.headers["Retry-After"] != nil)
        #expect(await store.count == 0, "no job is left behind that no worker will ever see")

        // Bound (as msgflo setup does), the same request is accepted and its messages arrive.
        let queue = role + ".test-in"
        try await transport.declareInport(queue: queue, options: PortOptions())
        try await transport.execute([.bindQueue(queue: queue, exchange: exchange, routingKey: "")])
        let accepted = await post()
        #expect(accepted.status == 202)
        #expect(try await transport.receive(from: queue, amount: 2).count == 2)

        try await transport.deleteQueue(queue)
        for name in [queue, exchange] { try await transport.deleteExchange(name) }
        await participant.stop()
    }
}
