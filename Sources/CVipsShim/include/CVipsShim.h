#ifndef CVIPS_SHIM_H
#define CVIPS_SHIM_H
#include <vips/vips.h>

/// Fixed-signature wrappers of libvips' variadic and macro API (Swift cannot
/// call C variadic functions or function-like macros). Each returns 0 on
/// success and -1 on failure, like libvips itself; on failure the message is
/// in libvips' global error buffer.

/// VIPS_INIT: call once, from one thread, before anything else.
int msgflo_vips_init(const char *argv0);

/// Opens an image lazily from a buffer: reads only the header, no pixels.
/// The buffer must stay alive as long as the image. NULL on failure.
VipsImage *msgflo_vips_image_new_from_buffer(const void *buf, size_t len, int fail_on);

/// vips_thumbnail_image with the options of msgflo_vips_thumbnail_source, for
/// an image this project loaded itself (see ProgressiveJPEGPruner).
int msgflo_vips_thumbnail_image(VipsImage *in, VipsImage **out,
                                int width, int height, int size, int crop, int no_rotate);

/// A source reading `len` bytes at `buf` (not copied: they must outlive the
/// source) with a CPU-time budget of `cpu_seconds` for the image it holds:
/// each read charges the process's CPU time since the previous charge,
/// shared among the budgets alive at that moment. Once the budget is spent
/// every read fails, so a loader stops mid-decode (libjpeg, libspng and the
/// others read as they decode).
VipsSource *msgflo_vips_budgeted_source_new(const void *buf, size_t len, double cpu_seconds);

/// Charges the evaluation of `image` (every few tiles) to the budget of
/// `source` too, and kills the evaluation once the budget is spent.
void msgflo_vips_budget_watch(VipsImage *image, VipsSource *source);

/// 1 once the budget of `source` is spent.
int msgflo_vips_budget_exceeded(VipsSource *source);

/// CPU seconds charged to the budget of `source` so far.
double msgflo_vips_budget_used(VipsSource *source);

/// vips_thumbnail_source with every option this project uses.
/// size: VipsSize, crop: VipsInteresting, fail_on: VipsFailOn.
int msgflo_vips_thumbnail_source(VipsSource *source, VipsImage **out,
                                 int width, int height, int size, int crop,
                                 int no_rotate, int fail_on);

/// jpegload_source with libjpeg's shrink-on-load (1, 2, 4 or 8), read
/// sequentially, as vips_thumbnail_source loads a JPEG. NULL on failure.
VipsImage *msgflo_vips_jpegload_source_shrink(VipsSource *source, int shrink, int fail_on);

/// The bytes of one sample of `image` (1 for uchar, 2 for ushort, 4 for float...).
int msgflo_vips_image_sample_bytes(VipsImage *image);

/// g_object_unref of a source.
void msgflo_vips_source_unref(VipsSource *source);

/// Renders a (lazy) image into memory so decode errors surface here, not
/// while encoding. The result is owned by the caller.
VipsImage *msgflo_vips_image_copy_memory(VipsImage *in);

/// Savers. The buffer is owned by the caller (g_free).
int msgflo_vips_jpegsave_buffer(VipsImage *in, void **buf, size_t *len, int quality, int strip);
int msgflo_vips_pngsave_buffer(VipsImage *in, void **buf, size_t *len, int compression, int strip);
int msgflo_vips_webpsave_buffer(VipsImage *in, void **buf, size_t *len, int quality, int strip);

/// A copy without EXIF, XMP, IPTC, Photoshop and orientation metadata.
/// Savers then have nothing private to write (8.14's webpsave writes an EXIF
/// block even with `strip`, rebuilt from these fields). NULL on failure.
VipsImage *msgflo_vips_strip_copy(VipsImage *in);

/// g_object_unref, which Swift sees only through the G_OBJECT macro's types.
void msgflo_vips_unref(VipsImage *image);

/// 1 when the image carries a metadata field (e.g. "exif-data", "orientation").
int msgflo_vips_has_field(VipsImage *image, const char *name);

/// Test helper: a width x height x bands uchar gradient (x, y, constant).
/// Owned by the caller. NULL on failure.
VipsImage *msgflo_vips_test_gradient(int width, int height, int bands);

/// Test helper: a width x height x bands uchar gradient with independent
/// Gaussian noise on each band, so a JPEG of it has plenty of AC energy. Owned by the caller.
VipsImage *msgflo_vips_test_texture(int width, int height, int bands);

/// Test helper: a copy of `in` with EXIF orientation (1-8), camera make and
/// artist set, so jpegsave writes them into an EXIF block.
VipsImage *msgflo_vips_test_with_exif(VipsImage *in, int orientation, const char *make, const char *artist);

/// Test helper: 1 when any string or blob metadata field contains `needle`.
int msgflo_vips_test_metadata_contains(VipsImage *image, const char *needle);

/// Test helper: a width x height image of `bands` float bands (all zero).
/// Owned by the caller. NULL on failure.
VipsImage *msgflo_vips_test_float_bands(int width, int height, int bands);

/// Test helper: encodes with the saver for a file suffix (".gif", ".tif",
/// ".heic", ".avif"...). The buffer is owned by the caller (g_free).
int msgflo_vips_test_save_buffer(VipsImage *in, const char *suffix, void **buf, size_t *len);

#endif
