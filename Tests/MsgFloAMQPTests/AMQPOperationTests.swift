import MsgFlo
import Primitives
import TestSupport
import Testing

@testable import MsgFloAMQP

@Suite("AMQPOperation", .logsOnFailure)
struct AMQPOperationTests {
    @Test func persistentInportMatchesMsgfloNodejs() {
        #expect(
            AMQPOperation.inport(queue: "resize.IN", options: PortOptions()) == [
                .declareQueue(name: "resize.IN", durable: true, autoDelete: false, deadLetterExchange: "dead-resize.IN"),
                .declareExchange(name: "resize.IN", type: "fanout", durable: true, autoDelete: false),
                .bindQueue(queue: "resize.IN", exchange: "resize.IN", routingKey: ""),
            ])
    }

    @Test func nonPersistentInportIsTransient() {
        #expect(
            AMQPOperation.inport(queue: "q", options: PortOptions(persistent: false)) == [
                .declareQueue(name: "q", durable: false, autoDelete: true, deadLetterExchange: "dead-q"),
                .declareExchange(name: "q", type: "fanout", durable: false, autoDelete: true),
                .bindQueue(queue: "q", exchange: "q", routingKey: ""),
            ])
    }

    @Test(arguments: [true, false])
    func outportIsAFanoutExchange(_ persistent: Bool) {
        #expect(
            AMQPOperation.outport(exchange: "resize.OUT", options: PortOptions(persistent: persistent)) == [
                .declareExchange(name: "resize.OUT", type: "fanout", durable: persistent, autoDelete: !persistent)
            ])
    }

    @Test func discoveryQueueHasNoArguments() {
        #expect(
            AMQPOperation.plainQueue("fbp", options: PortOptions()) == [
                .declareQueue(name: "fbp", durable: true, autoDelete: false, deadLetterExchange: nil)
            ])
    }

    @Test(arguments: [
        (
            TopologyStep.declareExchange(name: "out-a", type: .direct),
            AMQPOperation.declareExchange(name: "out-a", type: "direct", durable: true, autoDelete: false)
        ),
        (
            .declareQueue(name: "deadletter", deadLetterExchange: nil),
            .declareQueue(name: "deadletter", durable: true, autoDelete: false, deadLetterExchange: nil)
        ),
        (
            .declareQueue(name: "b.IN", deadLetterExchange: "dead-b.IN"),
            .declareQueue(name: "b.IN", durable: true, autoDelete: false, deadLetterExchange: "dead-b.IN")
        ),
        (
            .bindQueue(queue: "b.IN", exchange: "a.OUT", routingKey: ""),
            .bindQueue(queue: "b.IN", exchange: "a.OUT", routingKey: "")
        ),
        (
            .unbindQueue(queue: "b.IN", exchange: "a.OUT", routingKey: ""),
            .unbindQueue(queue: "b.IN", exchange: "a.OUT", routingKey: "")
        ),
        (
            .bindExchange(destination: "out-a", source: "a.OUT", routingKey: ""),
            .bindExchange(destination: "out-a", source: "a.OUT", routingKey: "")
        ),
        (
            .unbindExchange(destination: "out-a", source: "a.OUT", routingKey: "k"),
            .unbindExchange(destination: "out-a", source: "a.OUT", routingKey: "k")
        ),
    ])
    func setupStepsLowerToDurableOperations(_ step: TopologyStep, _ expected: AMQPOperation) {
        #expect(AMQPOperation(step) == expected)
    }

    @Test func declarationLogKeepsOrderDropsDuplicatesAndForgetsDeleted() {
        let log = AMQPDeclarationLog()
        log.record(AMQPOperation.inport(queue: "a", options: PortOptions()))
        log.record(AMQPOperation.inport(queue: "a", options: PortOptions()) + AMQPOperation.outport(exchange: "b", options: PortOptions()))
        log.record([.unbindQueue(queue: "a", exchange: "b", routingKey: ""), .deleteQueue(name: "a")])
        #expect(
            log.snapshot == AMQPOperation.inport(queue: "a", options: PortOptions()) + AMQPOperation.outport(exchange: "b", options: PortOptions()))
        log.forget(name: "a")
        #expect(log.snapshot == AMQPOperation.outport(exchange: "b", options: PortOptions()))
    }
}
