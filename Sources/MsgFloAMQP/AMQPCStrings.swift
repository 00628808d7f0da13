import CRabbitMQ
import Foundation

#if canImport(Glibc)
    import Glibc
    import MsgFlo
#endif

/// C strings that live as long as one rabbitmq-c call needs them.
final class AMQPCStrings {
    private var pointers: [UnsafeMutablePointer<CChar>] = []

    func bytes(_ string: String) -> amqp_bytes_t {
        let pointer = strdup(string)!
        pointers.append(pointer)
        return amqp_bytes_t(len: strlen(pointer), bytes: UnsafeMutableRawPointer(pointer))
    }

    deinit { pointers.forEach { free($0) } }
}
