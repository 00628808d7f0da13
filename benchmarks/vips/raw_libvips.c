/* The peer: raw libvips, thumbnail_buffer + jpegsave_buffer, one thread.
 * usage: raw_libvips WIDTH ROUNDS FILE... ; prints "<images> <seconds>". */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <vips/vips.h>

int main(int argc, char **argv) {
    if (argc < 4 || VIPS_INIT(argv[0])) return 2;
    vips_cache_set_max(0);
    vips_concurrency_set(1);
    int width = atoi(argv[1]), rounds = atoi(argv[2]), files = argc - 3;
    char **data = calloc(files, sizeof(char *));
    gsize *lengths = calloc(files, sizeof(gsize));
    for (int i = 0; i < files; i++)
        if (!g_file_get_contents(argv[i + 3], &data[i], &lengths[i], NULL)) return 2;
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int images = 0;
    for (int round = 0; round < rounds; round++)
        for (int i = 0; i < files; i++) {
            VipsImage *thumb;
            void *out;
            size_t out_length;
            if (vips_thumbnail_buffer(data[i], lengths[i], &thumb, width, NULL)) vips_error_exit(NULL);
            if (vips_jpegsave_buffer(thumb, &out, &out_length, "Q", 80, "strip", TRUE, NULL)) vips_error_exit(NULL);
            g_object_unref(thumb);
            g_free(out);
            images++;
        }
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("%d %.3f\n", images, (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9);
    return 0;
}
