import TestSupport
import Testing

@testable import HTTPServer

/// The request grammar and framing rules, as a table; each case is fed whole, byte
/// by byte, and in uneven chunks, and must give the same outcome every way.
@Suite(.logsOnFailure) struct ParserTableTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let input: String
        let expected: [ParserHarness.Outcome]
        var testDescription: String { name }
    }

    static let valid: [Case] = [
        Case(
            name: "simple GET", input: "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
            expected: [.request("GET / HTTP/1.1 keep-alive")]),
        Case(
            name: "Content-Length body", input: "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
            expected: [.request("POST /x HTTP/1.1 keep-alive body=hello")]),
        Case(
            name: "chunked with extension and trailer",
            input: "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Sum: 1\r\n\r\n",
            expected: [.request("POST /x HTTP/1.1 keep-alive body=hello world trailer X-Sum=1")]),
        Case(
            name: "uppercase hex chunk size", input: "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
            expected: [.request("POST /x HTTP/1.1 keep-alive body=0123456789")]),
        Case(
            name: "HTTP/1.0 closes by default", input: "GET /old HTTP/1.0\r\n\r\n",
            expected: [.request("GET /old HTTP/1.0 close")]),
        Case(
            name: "HTTP/1.0 keep-alive", input: "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
            expected: [.request("GET / HTTP/1.0 keep-alive")]),
        Case(
            name: "Connection: close", input: "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
            expected: [.request("GET / HTTP/1.1 close")]),
        Case(
            name: "leading empty line ignored", input: "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
            expected: [.request("GET / HTTP/1.1 keep-alive")]),
        Case(
            name: "OWS around value and obs-text", input: "GET / HTTP/1.1\r\nHost: a\r\nX-A: \t v\u{e9} \t\r\n\r\n",
            expected: [.request("GET / HTTP/1.1 keep-alive")]),
        Case(
            name: "absolute-form target", input: "GET http://a/b?c=d HTTP/1.1\r\nHost: a\r\n\r\n",
            expected: [.request("GET http://a/b?c=d HTTP/1.1 keep-alive")]),
        Case(
            name: "pipelined pair", input: "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nok",
            expected: [.request("GET /1 HTTP/1.1 keep-alive"), .request("POST /2 HTTP/1.1 keep-alive body=ok")]),
        Case(
            name: "repeated equal Content-Length", input: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc",
            expected: [.request("POST / HTTP/1.1 keep-alive body=abc")]),
        Case(
            name: "Expect 100-continue", input: "POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\nx",
            expected: [.request("POST / HTTP/1.1 keep-alive expect-continue body=x")]),
        Case(
            name: "HTTP/1.2 answered as 1.1", input: "GET / HTTP/1.2\r\nHost: a\r\n\r\n",
            expected: [.request("GET / HTTP/1.1 keep-alive")]),
        Case(
            name: "zero Content-Length", input: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
            expected: [.request("POST / HTTP/1.1 keep-alive")]),
        Case(
            name: "OPTIONS *", input: "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
            expected: [.request("OPTIONS * HTTP/1.1 keep-alive")]),
    ]

    static let invalid: [Case] = [
        Case(name: "HTTP/1.1 without Host", input: "GET / HTTP/1.1\r\n\r\n", expected: [.error(400)]),
        Case(name: "two Hosts", input: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", expected: [.error(400)]),
        Case(name: "double space in request line", input: "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", expected: [.error(400)]),
        Case(name: "HTTP/2.0 request line", input: "GET / HTTP/2.0\r\nHost: a\r\n\r\n", expected: [.error(505)]),
        Case(name: "garbage version", input: "GET / HTTX/1.1\r\nHost: a\r\n\r\n", expected: [.error(400)]),
        Case(name: "invalid method character", input: "G@T / HTTP/1.1\r\nHost: a\r\n\r\n", expected: [.error(400)]),
        Case(name: "target without slash", input: "GET x HTTP/1.1\r\nHost: a\r\n\r\n", expected: [.error(400)]),
        Case(name: "bare LF line ends", input: "GET / HTTP/1.1\nHost: a\n\n", expected: [.error(400)]),
        Case(name: "obsolete line folding", input: "GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n", expected: [.error(400)]),
        Case(name: "space before colon", input: "GET / HTTP/1.1\r\nHost : a\r\n\r\n", expected: [.error(400)]),
        Case(name: "no colon", input: "GET / HTTP/1.1\r\nHost a\r\n\r\n", expected: [.error(400)]),
        Case(name: "control character in value", input: "GET / HTTP/1.1\r\nHost: a\u{1}b\r\n\r\n", expected: [.error(400)]),
        Case(name: "NUL in target", input: "GET /\u{0} HTTP/1.1\r\nHost: a\r\n\r\n", expected: [.error(400)]),
        Case(
            name: "Content-Length and Transfer-Encoding (smuggling)",
            input: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", expected: [.error(400)]),
        Case(name: "unsupported transfer coding", input: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", expected: [.error(501)]),
        Case(name: "gzip then chunked", input: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", expected: [.error(501)]),
        Case(name: "chunked twice", input: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", expected: [.error(400)]),
        Case(name: "Transfer-Encoding in HTTP/1.0", input: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", expected: [.error(400)]),
        Case(name: "non-numeric Content-Length", input: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n", expected: [.error(400)]),
        Case(name: "negative Content-Length", input: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", expected: [.error(400)]),
        Case(name: "conflicting Content-Length list", input: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 2\r\n\r\n", expected: [.error(400)]),
        Case(
            name: "conflicting Content-Length fields",
            input: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", expected: [.error(400)]),
        Case(
            name: "huge Content-Length overflow", input: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n",
            expected: [.error(400)]),
        Case(name: "bad chunk size", input: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", expected: [.error(400)]),
        Case(
            name: "chunk data without CRLF", input: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n",
            expected: [.error(400)]),
        Case(
            name: "request line too long", input: "GET /" + String(repeating: "a", count: 80) + " HTTP/1.1\r\nHost: a\r\n\r\n",
            expected: [.error(414)]),
        Case(
            name: "header section too large", input: "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + String(repeating: "b", count: 300) + "\r\n\r\n",
            expected: [.error(431)]),
        Case(name: "too many headers", input: "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n", expected: [.error(431)]),
        Case(name: "Content-Length over the body limit", input: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 17\r\n\r\n", expected: [.error(413)]),
        Case(
            name: "chunked body over the limit",
            input: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n1\r\nx\r\n0\r\n\r\n",
            expected: [.error(413)]),
        Case(
            name: "trailer section too large",
            input: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: " + String(repeating: "t", count: 300) + "\r\n\r\n",
            expected: [.error(431)]),
        Case(
            name: "unknown expectation", input: "POST / HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\nx", expected: [.error(417)]),
        Case(name: "empty method", input: " / HTTP/1.1\r\nHost: a\r\n\r\n", expected: [.error(400)]),
        Case(name: "lone CR in header section", input: "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", expected: [.error(400)]),
        Case(
            name: "valid then invalid pipelined",
            input: "GET / HTTP/1.1\r\nHost: a\r\n\r\nBAD\r\n\r\n", expected: [.request("GET / HTTP/1.1 keep-alive"), .error(400)]),
    ]

    @Test("valid requests", arguments: valid)
    func validRequest(_ testCase: Case) {
        check(testCase)
    }

    @Test("invalid requests", arguments: invalid)
    func invalidRequest(_ testCase: Case) {
        check(testCase)
    }

    private func check(_ testCase: Case) {
        let bytes = Array(testCase.input.utf8)
        #expect(ParserHarness.run(bytes, chunkSizes: [bytes.count]) == testCase.expected, "whole")
        #expect(ParserHarness.run(bytes, chunkSizes: [1]) == testCase.expected, "byte by byte")
        #expect(ParserHarness.run(bytes, chunkSizes: [3, 7, 2, 11]) == testCase.expected, "uneven chunks")
    }

    @Test func headerLookupIsCaseInsensitive() {
        let headers: HTTPHeaders = ["Content-Type": "a", "X-Many": "1", "x-many": "2"]
        #expect(headers["content-type"] == "a")
        #expect(headers.values("X-MANY") == ["1", "2"])
        #expect(headers["missing"] == nil)
    }
}
