import CVips
import CVipsShim

/// Owns one `VipsImage` reference and drops it exactly once, so no code path
/// (early throw included) can leak or double-unref an image.
final class VipsImageHandle {
    let pointer: UnsafeMutablePointer<VipsImage>

    init(_ pointer: UnsafeMutablePointer<VipsImage>) { self.pointer = pointer }

    deinit { msgflo_vips_unref(pointer) }

    var width: Int { Int(vips_image_get_width(pointer)) }
    var height: Int { Int(vips_image_get_height(pointer)) }
    var bands: Int { Int(vips_image_get_bands(pointer)) }
    /// Bytes of one sample: 1 for 8-bit, 2 for 16-bit, 4 for float...
    var sampleBytes: Int { Int(msgflo_vips_image_sample_bytes(pointer)) }

    func hasField(_ name: String) -> Bool { msgflo_vips_has_field(pointer, name) != 0 }

    func int(_ name: String) -> Int? {
        guard hasField(name) else { return nil }
        var value: Int32 = 0
        guard vips_image_get_int(pointer, name, &value) == 0 else {
            _ = VipsErrorBuffer.take()
            return nil
        }
        return Int(value)
    }
}
