import MsgFlo
import TestSupport
import Testing

@testable import MsgFloGraph

struct ParserErrorCase: CustomTestStringConvertible, Sendable {
    var text: String
    var line: Int
    var column: Int
    var cause: String
    var testDescription: String { cause }
}

let parserErrorCases: [ParserErrorCase] = [
    ParserErrorCase(text: "a(A) OUT -> IN b", line: 1, column: 16, cause: "process 'b' is used without a component"),
    ParserErrorCase(text: "a(A) OUT -> IN b(B)\nc OUT -> IN b", line: 2, column: 1, cause: "process 'c' is used without a component"),
    ParserErrorCase(text: "'x' -> IN ghost", line: 1, column: 11, cause: "process 'ghost' is used without a component"),
    ParserErrorCase(text: "lonely", line: 1, column: 1, cause: "process 'lonely' is used without a component"),
    ParserErrorCase(text: "a(A)\nINPORT=nobody.IN:REQ", line: 2, column: 8, cause: "INPORT 'req' names process 'nobody'"),
    ParserErrorCase(text: "a(A)\nOUTPORT=nobody.OUT:RES", line: 2, column: 9, cause: "OUTPORT 'res' names process 'nobody'"),
    ParserErrorCase(text: "a(A)\nEXPORT=a.IN:REQ", line: 2, column: 1, cause: "'EXPORT=' was removed"),
    ParserErrorCase(text: "a(A) OUT - > IN b(B)", line: 1, column: 10, cause: "malformed arrow"),
    ParserErrorCase(text: "a(A) OUT => IN b(B)", line: 1, column: 10, cause: "malformed arrow"),
    ParserErrorCase(text: "a(A) OUT > IN b(B)", line: 1, column: 10, cause: "malformed arrow"),
    ParserErrorCase(text: "a(A) OUT <- IN b(B)", line: 1, column: 10, cause: "malformed arrow"),
    ParserErrorCase(text: "a(A) OUT ->\nIN b(B)", line: 1, column: 12, cause: "'->' must be followed by a target"),
    ParserErrorCase(text: "a(A) OUT -> -> IN b(B)", line: 1, column: 13, cause: "'->' needs a source before it"),
    ParserErrorCase(text: "a(A)\n'unterminated -> IN a", line: 2, column: 1, cause: "unterminated string"),
    ParserErrorCase(text: "a(A)\n\"open -> IN a", line: 2, column: 1, cause: "invalid JSON initial packet: unterminated string"),
    ParserErrorCase(text: "{\"a\": } -> IN a(A)", line: 1, column: 7, cause: "invalid JSON initial packet"),
    ParserErrorCase(text: "a(A) OUT -> IN b(B) $", line: 1, column: 21, cause: "unexpected '$'"),
    ParserErrorCase(text: "a(A) OUT -> IN b(B\nc(C)", line: 1, column: 17, cause: "missing ')'"),
    ParserErrorCase(text: "a(A!) OUT -> IN b(B)", line: 1, column: 4, cause: "unexpected '!' in component"),
    ParserErrorCase(text: "() OUT -> IN b(B)", line: 1, column: 1, cause: "anonymous process needs a component"),
    ParserErrorCase(text: "a(A:) OUT -> IN b(B)", line: 1, column: 5, cause: "metadata after ':' is empty"),
    ParserErrorCase(text: "a(A)\na(B)", line: 2, column: 1, cause: "process 'a' is already declared as A"),
    ParserErrorCase(text: "'x'", line: 1, column: 1, cause: "is not sent anywhere"),
    ParserErrorCase(text: "a(A) OUT -> 'x' -> IN a", line: 1, column: 13, cause: "an initial packet can only start a connection"),
    ParserErrorCase(text: "a(A) OUT -> IN b(B) c(C)", line: 1, column: 13, cause: "two processes in one step"),
    ParserErrorCase(text: "a(A) OUT -> X Y Z W", line: 1, column: 13, cause: "too many words"),
    ParserErrorCase(text: "a(A) OUT -> IN b(B)\na OUT -> b OUT -> IN a", line: 2, column: 10, cause: "in the middle of a chain"),
    ParserErrorCase(text: "a(A) OUT[x] -> IN b(B)", line: 1, column: 9, cause: "a port index is digits in brackets"),
    ParserErrorCase(text: "a(A) OUT-X -> IN b(B)", line: 1, column: 6, cause: "port name 'OUT-X' cannot contain '-'"),
    ParserErrorCase(text: "a(A) OUT -> IN b.c", line: 1, column: 16, cause: "process name 'b.c' cannot contain '.'"),
    ParserErrorCase(text: "a(A) OUT -> IN b[0]", line: 1, column: 16, cause: "process 'b' cannot have an index"),
    ParserErrorCase(text: "a(A)\n, b(B)", line: 2, column: 1, cause: "empty statement"),
    ParserErrorCase(text: "INPORT=a:IN", line: 1, column: 9, cause: "expected '.' between process and port"),
    ParserErrorCase(text: "a(A)\nINPORT=a.IN", line: 2, column: 12, cause: "expected ':' before the public port name"),
    ParserErrorCase(text: "a(A)\nINPORT=a.IN:", line: 2, column: 13, cause: "expected a port name"),
    ParserErrorCase(text: "a(A)\nINPORT=", line: 2, column: 8, cause: "INPORT= must be followed by process.PORT:NAME"),
    ParserErrorCase(text: "a(A) OUT -> IN b(B) 🙂", line: 1, column: 21, cause: "unexpected '🙂'"),
    ParserErrorCase(text: "a(A) OUT -> IN b(B) OUT X", line: 1, column: 13, cause: "found extra words"),
    ParserErrorCase(text: "a(A)\n  -> IN a", line: 2, column: 3, cause: "'->' needs a source before it"),
    ParserErrorCase(text: "a(:x=1) OUT -> IN b(B)", line: 1, column: 1, cause: "process 'a' is used without a component"),
]

@Test(.logsOnFailure, arguments: parserErrorCases)
func fbpParserReportsWhereAndWhy(_ testCase: ParserErrorCase) {
    do {
        let graph = try FBPParser.parse(testCase.text)
        Issue.record("expected an error, parsed \(graph)")
    } catch {
        #expect(error.line == testCase.line, "\(error)")
        #expect(error.column == testCase.column, "\(error)")
        #expect(error.cause.contains(testCase.cause), "\(error)")
        #expect(error.description.hasPrefix("line \(testCase.line), column \(testCase.column): "))
    }
}
