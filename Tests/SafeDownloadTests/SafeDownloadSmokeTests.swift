import Testing
@testable import SafeDownload

@Test func moduleLinks() {
    #expect(Bool(true))
}
