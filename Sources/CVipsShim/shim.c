#include "CVipsShim.h"
#include <string.h>
#include <time.h>

int msgflo_vips_init(const char *argv0) { return VIPS_INIT(argv0); }

VipsImage *msgflo_vips_image_new_from_buffer(const void *buf, size_t len, int fail_on) {
    return vips_image_new_from_buffer(buf, len, "", "fail_on", (VipsFailOn) fail_on, NULL);
}

int msgflo_vips_thumbnail_image(VipsImage *in, VipsImage **out,
                                int width, int height, int size, int crop, int no_rotate) {
    return vips_thumbnail_image(in, out, width,
                                "height", height,
                                "size", (VipsSize) size,
                                "crop", (VipsInteresting) crop,
                                "no_rotate", (gboolean) no_rotate,
                                NULL);
}

/* The budget of one image. libvips decodes and resizes on its worker
 * threads and reports progress from the thread that waits for them, so no
 * one thread's clock sees an image's work: each charge adds the process's
 * CPU time since the budget's previous charge, divided by the number of
 * images being worked on at that moment (each gets its share when several
 * are resized at once; exact when one is, the resize worker's default). */
typedef struct {
    const unsigned char *data;
    gint64 length;
    gint64 position;
    GMutex lock;
    gint64 limit_ns;
    gint64 last_ns;
    gint64 last_wall_ns; /* atomic */
    gint64 used_ns;
    gint exceeded;    /* atomic */
} msgflo_budgeted_reader;

static gint msgflo_active_budgets; /* atomic */

static gint64 msgflo_process_cpu_ns(void) {
    struct timespec now;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now) != 0) return 0;
    return (gint64) now.tv_sec * 1000000000 + now.tv_nsec;
}

static gint64 msgflo_wall_ns(void) {
    struct timespec now;
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) return 0;
    return (gint64) now.tv_sec * 1000000000 + now.tv_nsec;
}

static int msgflo_budget_charge(msgflo_budgeted_reader *reader) {
    /* The process clock costs a system call; the wall clock does not. Less
     * than a millisecond after the last charge there is next to nothing to
     * charge (and it is charged next time), so reads, every 4 kB, stay cheap. */
    gint64 wall = msgflo_wall_ns();
    if (wall - __atomic_load_n(&reader->last_wall_ns, __ATOMIC_RELAXED) < 1000000)
        return g_atomic_int_get(&reader->exceeded);
    __atomic_store_n(&reader->last_wall_ns, wall, __ATOMIC_RELAXED);
    gint64 now = msgflo_process_cpu_ns();
    gint sharing = g_atomic_int_get(&msgflo_active_budgets);
    g_mutex_lock(&reader->lock);
    if (now > reader->last_ns) reader->used_ns += (now - reader->last_ns) / (sharing > 1 ? sharing : 1);
    reader->last_ns = now;
    if (reader->used_ns > reader->limit_ns) g_atomic_int_set(&reader->exceeded, 1);
    g_mutex_unlock(&reader->lock);
    return g_atomic_int_get(&reader->exceeded);
}

static void msgflo_budgeted_reader_free(gpointer data) {
    msgflo_budgeted_reader *reader = data;
    g_atomic_int_add(&msgflo_active_budgets, -1);
    g_mutex_clear(&reader->lock);
    g_free(reader);
}

static msgflo_budgeted_reader *msgflo_reader_of(VipsSource *source) {
    return g_object_get_data(G_OBJECT(source), "msgflo-budgeted-reader");
}

static gint64 msgflo_budgeted_read(VipsSourceCustom *source, void *buffer, gint64 length, msgflo_budgeted_reader *reader) {
    (void) source;
    if (msgflo_budget_charge(reader)) {
        vips_error("msgflo-budget", "the CPU time budget of this image is spent");
        return -1;
    }
    gint64 available = reader->length - reader->position;
    gint64 count = length < available ? length : available;
    if (count > 0) memcpy(buffer, reader->data + reader->position, (size_t) count);
    reader->position += count;
    return count;
}

static gint64 msgflo_budgeted_seek(VipsSourceCustom *source, gint64 offset, int whence, msgflo_budgeted_reader *reader) {
    (void) source;
    gint64 base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? reader->position : whence == SEEK_END ? reader->length : -1;
    if (base < 0) return -1;
    gint64 target = base + offset;
    if (target < 0 || target > reader->length) return -1;
    reader->position = target;
    return target;
}

VipsSource *msgflo_vips_budgeted_source_new(const void *buf, size_t len, double cpu_seconds) {
    VipsSourceCustom *source = vips_source_custom_new();
    if (!source) return NULL;
    msgflo_budgeted_reader *reader = g_new0(msgflo_budgeted_reader, 1);
    reader->data = buf;
    reader->length = (gint64) len;
    g_mutex_init(&reader->lock);
    double limit = cpu_seconds * 1e9;
    reader->limit_ns = limit > 0 && limit < 9e18 ? (gint64) limit : G_MAXINT64;
    reader->last_ns = msgflo_process_cpu_ns();
    g_atomic_int_inc(&msgflo_active_budgets);
    g_object_set_data_full(G_OBJECT(source), "msgflo-budgeted-reader", reader, msgflo_budgeted_reader_free);
    g_signal_connect(source, "read", G_CALLBACK(msgflo_budgeted_read), reader);
    g_signal_connect(source, "seek", G_CALLBACK(msgflo_budgeted_seek), reader);
    return VIPS_SOURCE(source);
}

static void msgflo_budget_eval(VipsImage *image, VipsProgress *progress, VipsSource *source) {
    (void) progress;
    msgflo_budgeted_reader *reader = msgflo_reader_of(source);
    if (reader && msgflo_budget_charge(reader)) vips_image_set_kill(image, TRUE);
}

static void msgflo_source_unref_closure(gpointer source, GClosure *closure) {
    (void) closure;
    g_object_unref(source);
}

void msgflo_vips_budget_watch(VipsImage *image, VipsSource *source) {
    vips_image_set_progress(image, TRUE);
    /* The handler holds the source (and so its budget) for as long as the image lives. */
    g_signal_connect_data(image, "eval", G_CALLBACK(msgflo_budget_eval), g_object_ref(source),
                          msgflo_source_unref_closure, 0);
}

int msgflo_vips_budget_exceeded(VipsSource *source) {
    msgflo_budgeted_reader *reader = msgflo_reader_of(source);
    return reader ? g_atomic_int_get(&reader->exceeded) : 0;
}

double msgflo_vips_budget_used(VipsSource *source) {
    msgflo_budgeted_reader *reader = msgflo_reader_of(source);
    if (!reader) return 0;
    g_mutex_lock(&reader->lock);
    gint64 used = reader->used_ns;
    g_mutex_unlock(&reader->lock);
    return (double) used / 1e9;
}

int msgflo_vips_thumbnail_source(VipsSource *source, VipsImage **out,
                                 int width, int height, int size, int crop,
                                 int no_rotate, int fail_on) {
    /* libvips 8.14 ignores thumbnail's own "fail_on" (it forwards it only
     * for files), so hand it to the loader in the option string. */
    char options[64];
    g_snprintf(options, sizeof(options), "[fail_on=%s]",
               vips_enum_nick(VIPS_TYPE_FAIL_ON, fail_on));
    return vips_thumbnail_source(source, out, width,
                                 "option_string", options,
                                 "height", height,
                                 "size", (VipsSize) size,
                                 "crop", (VipsInteresting) crop,
                                 "no_rotate", (gboolean) no_rotate,
                                 NULL);
}

VipsImage *msgflo_vips_jpegload_source_shrink(VipsSource *source, int shrink, int fail_on) {
    VipsImage *out = NULL;
    if (vips_jpegload_source(source, &out, "shrink", shrink, "access", VIPS_ACCESS_SEQUENTIAL,
                             "fail_on", (VipsFailOn) fail_on, NULL))
        return NULL;
    return out;
}

int msgflo_vips_image_sample_bytes(VipsImage *image) {
    return (int) vips_format_sizeof(vips_image_get_format(image));
}

void msgflo_vips_source_unref(VipsSource *source) { g_object_unref(source); }

VipsImage *msgflo_vips_image_copy_memory(VipsImage *in) { return vips_image_copy_memory(in); }

int msgflo_vips_jpegsave_buffer(VipsImage *in, void **buf, size_t *len, int quality, int strip) {
    return vips_jpegsave_buffer(in, buf, len, "Q", quality, "strip", (gboolean) strip, NULL);
}

int msgflo_vips_pngsave_buffer(VipsImage *in, void **buf, size_t *len, int compression, int strip) {
    return vips_pngsave_buffer(in, buf, len, "compression", compression, "strip", (gboolean) strip, NULL);
}

int msgflo_vips_webpsave_buffer(VipsImage *in, void **buf, size_t *len, int quality, int strip) {
    return vips_webpsave_buffer(in, buf, len, "Q", quality, "strip", (gboolean) strip, NULL);
}

void msgflo_vips_unref(VipsImage *image) { g_object_unref(image); }

int msgflo_vips_has_field(VipsImage *image, const char *name) {
    return vips_image_get_typeof(image, name) != 0;
}

VipsImage *msgflo_vips_test_gradient(int width, int height, int bands) {
    VipsImage *xy = NULL, *uchar = NULL, *out = NULL;
    if (vips_xyz(&xy, width, height, NULL)) return NULL;
    int failed = vips_cast_uchar(xy, &uchar, NULL);
    g_object_unref(xy);
    if (failed) return NULL;
    if (bands == 2) return uchar;
    if (bands == 1) {
        failed = vips_extract_band(uchar, &out, 0, NULL);
    } else {
        double fill[8] = {128, 128, 128, 128, 128, 128, 128, 128};
        int extra = bands - 2;
        if (extra > 8) extra = 8;
        failed = vips_bandjoin_const(uchar, &out, fill, extra, NULL);
    }
    g_object_unref(uchar);
    return failed ? NULL : out;
}

VipsImage *msgflo_vips_test_texture(int width, int height, int bands) {
    VipsImage *gradient = msgflo_vips_test_gradient(width, height, bands);
    if (!gradient) return NULL;
    /* Independent noise per band, so chroma has AC energy of its own. */
    VipsImage *noise[8] = {NULL};
    VipsImage *joined = NULL, *sum = NULL, *out = NULL;
    int n = bands > 8 ? 8 : bands;
    int failed = 0;
    for (int i = 0; i < n && !failed; i++)
        failed = vips_gaussnoise(&noise[i], width, height, "sigma", 40.0, "mean", 0.0, "seed", i + 1, NULL);
    if (!failed) failed = vips_bandjoin(noise, &joined, n, NULL);
    if (!failed) failed = vips_add(gradient, joined, &sum, NULL);
    if (!failed) failed = vips_cast_uchar(sum, &out, NULL);
    g_object_unref(gradient);
    for (int i = 0; i < n; i++)
        if (noise[i]) g_object_unref(noise[i]);
    if (joined) g_object_unref(joined);
    if (sum) g_object_unref(sum);
    return failed ? NULL : out;
}

VipsImage *msgflo_vips_test_with_exif(VipsImage *in, int orientation, const char *make, const char *artist) {
    VipsImage *out = NULL;
    if (vips_copy(in, &out, NULL)) return NULL;
    vips_image_set_int(out, VIPS_META_ORIENTATION, orientation);
    /* jpegsave writes exif-* string fields back into the EXIF block. */
    if (make) vips_image_set_string(out, "exif-ifd0-Make", make);
    if (artist) vips_image_set_string(out, "exif-ifd0-Artist", artist);
    return out;
}

typedef struct { const char *needle; int found; } msgflo_search;

static void *search_field(VipsImage *image, const char *name, GValue *value, void *data) {
    msgflo_search *search = data;
    const char *text = NULL;
    (void) name;
    if (G_VALUE_HOLDS_STRING(value)) text = g_value_get_string(value);
    else if (G_VALUE_TYPE(value) == VIPS_TYPE_REF_STRING) text = vips_value_get_ref_string(value, NULL);
    if (text && strstr(text, search->needle)) search->found = 1;
    if (G_VALUE_TYPE(value) == VIPS_TYPE_BLOB) {
        size_t length = 0;
        const char *bytes = vips_value_get_blob(value, &length);
        size_t needle_length = strlen(search->needle);
        for (size_t i = 0; bytes && i + needle_length <= length; i++)
            if (memcmp(bytes + i, search->needle, needle_length) == 0) search->found = 1;
    }
    (void) image;
    return NULL;
}

int msgflo_vips_test_metadata_contains(VipsImage *image, const char *needle) {
    msgflo_search search = { needle, 0 };
    vips_image_map(image, search_field, &search);
    return search.found;
}

static int is_private_field(const char *name) {
    return g_str_has_prefix(name, "exif-") || g_str_equal(name, VIPS_META_XMP_NAME) ||
           g_str_equal(name, VIPS_META_IPTC_NAME) || g_str_equal(name, VIPS_META_ORIENTATION) ||
           g_str_equal(name, VIPS_META_PHOTOSHOP_NAME);
}

static void *collect_private_field(VipsImage *image, const char *name, GValue *value, void *names) {
    (void) image;
    (void) value;
    if (is_private_field(name)) g_ptr_array_add((GPtrArray *) names, g_strdup(name));
    return NULL;
}

VipsImage *msgflo_vips_strip_copy(VipsImage *in) {
    VipsImage *out = NULL;
    if (vips_copy(in, &out, NULL)) return NULL;
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    vips_image_map(out, collect_private_field, names);
    for (guint i = 0; i < names->len; i++) vips_image_remove(out, g_ptr_array_index(names, i));
    g_ptr_array_free(names, TRUE);
    return out;
}

VipsImage *msgflo_vips_test_float_bands(int width, int height, int bands) {
    VipsImage *black = NULL, *out = NULL;
    if (vips_black(&black, width, height, "bands", bands, NULL)) return NULL;
    int failed = vips_cast_float(black, &out, NULL);
    g_object_unref(black);
    return failed ? NULL : out;
}

int msgflo_vips_test_save_buffer(VipsImage *in, const char *suffix, void **buf, size_t *len) {
    return vips_image_write_to_buffer(in, suffix, buf, len, NULL);
}
