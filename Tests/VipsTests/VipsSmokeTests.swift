import Testing
@testable import Vips

@Test func moduleLinks() {
    #expect(Bool(true))
}
