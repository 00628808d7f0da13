import Foundation
import TestSupport
import Testing

@testable import Vips

@Suite(.logsOnFailure) struct ImageHeaderTests {
    @Test(arguments: [
        (TestImages.Encoding.jpeg, ImageFormat.jpeg),
        (.png, .png),
        (.webp, .webp),
        (.gif, .gif),
        (.tiff, .tiff),
        (.heic, .heif),
        (.avif, .heif),
    ])
    func probeReadsFormatAndSize(encoding: TestImages.Encoding, format: ImageFormat) throws {
        let bytes = try TestImages.gradient(width: 321, height: 123, as: encoding)
        let header = try ImageHeader.probe(bytes)
        #expect(header.format == format)
        #expect(header.width == 321)
        #expect(header.height == 123)
        #expect(header.bands == 3)
        #expect(header.pixelCount == 321 * 123)
    }

    @Test func probeReadsOrientationAndEXIF() throws {
        let bytes = try TestImages.gradient(width: 200, height: 100, orientation: 6)
        let header = try ImageHeader.probe(bytes)
        #expect(header.orientation == 6)
        #expect(header.hasEXIF)
        #expect(header.width == 200)
        #expect(header.height == 100)
    }

    @Test func probeOfHugePNGHeaderDoesNotDecode() throws {
        let bytes = TestImages.hugePNGHeader()
        #expect(bytes.count < 100)
        let header = try ImageHeader.probe(bytes)
        #expect(header.format == .png)
        #expect(header.width == 30_000)
        #expect(header.height == 30_000)
        #expect(header.bands == 1)
    }

    @Test func probeRefusesFormatsOutsideTheAcceptedSet() throws {
        let png = try TestImages.gradient(width: 10, height: 10, as: .png)
        #expect(throws: VipsError.unsupportedFormat(.png)) {
            try ImageHeader.probe(png, acceptedFormats: [.jpeg, .webp])
        }
        #expect(try ImageHeader.probe(png, acceptedFormats: [.png]).format == .png)
    }

    @Test(arguments: [
        Data(),
        Data("hello, this is not an image at all".utf8),
        Data("<html><body>404</body></html>".utf8),
        Data([0x00, 0x01, 0x02, 0x03]),
    ])
    func probeOfNonImageThrowsNotAnImage(bytes: Data) {
        #expect(throws: VipsError.notAnImage) { try ImageHeader.probe(bytes) }
    }

    @Test(arguments: [
        ("VipsForeignLoadJpegBuffer", ImageFormat.jpeg),
        ("VipsForeignLoadPngBuffer", .png),
        ("VipsForeignLoadWebpBuffer", .webp),
        ("VipsForeignLoadNsgifBuffer", .gif),
        ("VipsForeignLoadTiffBuffer", .tiff),
        ("VipsForeignLoadHeifBuffer", .heif),
        ("VipsForeignLoadSvgBuffer", .svg),
        ("VipsForeignLoadPdfBuffer", .pdf),
        ("VipsForeignLoadJp2kBuffer", .jpeg2000),
        ("VipsForeignLoadJxlBuffer", .jpegXL),
        ("VipsForeignLoadMatrixSource", .other("VipsForeignLoadMatrixSource")),
    ])
    func formatFromLoaderName(name: String, format: ImageFormat) {
        #expect(ImageFormat(loaderName: name) == format)
    }
}
