/* The limit: the same thumbnails made by libvips in one process, files already
 * in memory, THREADS threads each running thumbnail_buffer + jpegsave_buffer
 * (Q80, strip) with one vips worker thread per pipeline.
 * usage: libvips_limit WIDTH THREADS COUNT FILE...  (COUNT images, cycling over the files)
 * prints "<images> <seconds>". */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <vips/vips.h>

static int width, count, files;
static char **data;
static gsize *lengths;
static int next_image;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *work(void *unused) {
    (void)unused;
    for (;;) {
        pthread_mutex_lock(&lock);
        int i = next_image < count ? next_image++ : -1;
        pthread_mutex_unlock(&lock);
        if (i < 0) break;
        VipsImage *thumb;
        void *out;
        size_t out_length;
        int f = i % files;
        if (vips_thumbnail_buffer(data[f], lengths[f], &thumb, width, NULL)) vips_error_exit(NULL);
        if (vips_jpegsave_buffer(thumb, &out, &out_length, "Q", 80, "strip", TRUE, NULL)) vips_error_exit(NULL);
        g_object_unref(thumb);
        g_free(out);
    }
    vips_thread_shutdown();
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 5 || VIPS_INIT(argv[0])) return 2;
    vips_cache_set_max(0);
    vips_concurrency_set(1);
    width = atoi(argv[1]);
    int threads = atoi(argv[2]);
    count = atoi(argv[3]);
    files = argc - 4;
    data = calloc(files, sizeof(char *));
    lengths = calloc(files, sizeof(gsize));
    for (int i = 0; i < files; i++)
        if (!g_file_get_contents(argv[i + 4], &data[i], &lengths[i], NULL)) return 2;
    pthread_t *ids = calloc(threads, sizeof(pthread_t));
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, work, NULL);
    for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("%d %.3f\n", count, (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9);
    return 0;
}
