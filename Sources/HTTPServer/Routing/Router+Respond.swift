import Logging

extension Router {
    /// Runs the handler of the matching route without a server, turning errors into
    /// responses exactly as the server does: for unit tests of handlers and routes.
    /// A WebSocket route answers 426 here, since there is no socket to upgrade.
    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        switch await outcome(for: request) {
        case .response(let response):
            return response
        case .upgrade:
            return HTTPError(.upgradeRequired, "WebSocket routes need a real connection").response
        }
    }

    /// What a request turned into: a response, or a switch to WebSocket.
    enum Outcome: Sendable {
        case response(HTTPResponse)
        case upgrade(HTTPResponse, subprotocol: String?, Router.WebSocketHandler)

        var status: Int {
            switch self {
            case .response(let response): response.status.code
            case .upgrade: 101
            }
        }

        var bodyBytes: Int {
            switch self {
            case .response(let response): response.body.count
            case .upgrade: 0
            }
        }
    }

    /// Routes a request and runs its handler; never throws: every failure becomes
    /// a response.
    func outcome(for request: HTTPRequest) async -> Outcome {
        switch match(
            method: request.method, path: request.path,
            upgrade: request.headers.containsToken("websocket", in: "Upgrade"))
        {
        case .notFound:
            return .response(HTTPError(.notFound, "no route for \(request.method) \(request.path)").response)
        case .methodNotAllowed(let allow):
            return .response(
                HTTPError(
                    .methodNotAllowed, "\(request.method) is not allowed on \(request.path): use \(allow.joined(separator: ", "))",
                    headers: ["Allow": allow.joined(separator: ", ")]
                ).response)
        case .found(let endpoint, let parameters):
            var request = request
            request.pathParameters = parameters
            switch endpoint {
            case .http(let handler):
                do {
                    return .response(try await handler(request))
                } catch {
                    return .response(errorResponse(error, request: request))
                }
            case .webSocket(let subprotocols, let handler):
                switch WebSocketHandshake.accept(request, supportedSubprotocols: subprotocols) {
                case .success(let accepted):
                    return .upgrade(accepted.response, subprotocol: accepted.subprotocol, handler)
                case .failure(let error):
                    return .response(error.response)
                }
            }
        }
    }

    private func errorResponse(_ error: any Error, request: HTTPRequest) -> HTTPResponse {
        switch error {
        case let error as HTTPError:
            return error.response
        case let error as JSONBodyError:
            return error.httpError.response
        default:
            request.logger.error("handler for \(request.method) \(request.path) failed: \(error)")
            return HTTPError(.internalServerError, "internal error; see the server log for request id \(request.requestId)").response
        }
    }
}
