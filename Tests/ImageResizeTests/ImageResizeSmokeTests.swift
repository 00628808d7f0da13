import Testing
@testable import ImageResize

@Test func moduleLinks() {
    #expect(Bool(true))
}
