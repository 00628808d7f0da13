import Testing
@testable import LoadTest

@Test func moduleLinks() {
    #expect(Bool(true))
}
