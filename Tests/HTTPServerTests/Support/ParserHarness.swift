@testable import HTTPServer

/// Feeds bytes to a parser in the given chunk sizes the way a connection does
/// (keeping unconsumed bytes), and summarizes what came out.
enum ParserHarness {
    enum Outcome: Equatable, CustomStringConvertible {
        case request(String)
        case error(Int)

        var description: String {
            switch self {
            case .request(let summary): summary
            case .error(let status): "error \(status)"
            }
        }
    }

    static let limits = HTTPRequestParser.Limits(
        maxRequestLineLength: 64, maxHeaderBytes: 256,
        maxHeaderCount: 5, maxBodyBytes: 16)

    static func summary(_ request: HTTPRequestParser.ParsedRequest) -> String {
        var text = "\(request.head.method) \(request.head.target) \(request.head.version)"
        text += request.head.keepAlive ? " keep-alive" : " close"
        if request.head.expectsContinue { text += " expect-continue" }
        if !request.body.isEmpty { text += " body=\(String(decoding: request.body, as: UTF8.self))" }
        for (name, value) in request.trailers { text += " trailer \(name)=\(value)" }
        return text
    }

    /// Every outcome until the input ends or an error; `chunkSizes` cycles.
    static func run(_ input: [UInt8], chunkSizes: [Int], limits: HTTPRequestParser.Limits = limits) -> [Outcome] {
        var parser = HTTPRequestParser(limits: limits)
        var buffer: [UInt8] = []
        var index = 0
        var offset = 0
        var outcomes: [Outcome] = []
        var chunk = 0
        while offset < input.count {
            let size = max(1, chunkSizes[chunk % chunkSizes.count])
            chunk += 1
            let end = min(input.count, offset + size)
            buffer.append(contentsOf: input[offset..<end])
            offset = end
            while true {
                let (consumed, output) = buffer.withUnsafeBufferPointer {
                    parser.parse(UnsafeBufferPointer(rebasing: $0[index...]))
                }
                precondition(consumed >= 0 && index + consumed <= buffer.count, "parser consumed beyond its input")
                index += consumed
                switch output {
                case .needMoreData:
                    break
                case .head:
                    continue
                case .request(let request):
                    outcomes.append(.request(summary(request)))
                    continue
                case .error(let error):
                    outcomes.append(.error(error.status.code))
                    return outcomes
                }
                break
            }
        }
        return outcomes
    }
}
