import Testing
@testable import Guv

@Test func moduleLinks() {
    #expect(Bool(true))
}
