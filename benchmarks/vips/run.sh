#!/bin/sh
# Thumbnails per second on one thread: the Swift Vips.Thumbnailer against raw
# libvips (C, thumbnail_buffer + jpegsave_buffer) on the same photos. The two
# run alternately REPEATS times and the best run of each is reported, which
# damps the noise of a shared machine.
# Needs Debian's plasma-workspace-wallpapers (apt-get install -y plasma-workspace-wallpapers).
# usage: benchmarks/vips/run.sh [ROUNDS] [REPEATS]   (from the package root)
set -eu
ROUNDS=${1:-3}
REPEATS=${2:-3}
WIDTH=300
FILES=$(ls -S /usr/share/wallpapers/*/contents/images/*.jpg 2>/dev/null | head -12)
[ -n "$FILES" ] || { echo "no photos: apt-get install -y plasma-workspace-wallpapers" >&2; exit 1; }
OUT=${TMPDIR:-/tmp}/msgflo-vips-bench
mkdir -p "$OUT"
: > "$OUT/results.txt"
cc -O2 -o "$OUT/raw_libvips" benchmarks/vips/raw_libvips.c $(pkg-config --cflags --libs vips)
swift build --build-tests >/dev/null 2>&1

"$OUT/raw_libvips" $WIDTH 1 $FILES >/dev/null 2>&1  # warm the page cache
i=0
while [ $i -lt "$REPEATS" ]; do
    echo "peer $("$OUT/raw_libvips" $WIDTH "$ROUNDS" $FILES 2>/dev/null)" >> "$OUT/results.txt"
    VIPS_BENCHMARK_FILES="$(echo $FILES | tr ' ' ':')" VIPS_BENCHMARK_ROUNDS=$ROUNDS VIPS_BENCHMARK_WIDTH=$WIDTH \
        swift test --skip-build --filter ThumbnailBenchmark 2>/dev/null | sed -n 's/^benchmark /ours /p' >> "$OUT/results.txt"
    i=$((i + 1))
done

echo "photos: $(echo $FILES | wc -w) JPEGs (2560x1600 to 5120x2880), ${WIDTH}px wide JPEG Q80, one thread, $ROUNDS rounds, best of $REPEATS"
awk '{ rate = $2 / $3; if (rate > best[$1]) best[$1] = rate }
    END {
        printf "raw libvips (C)        %6.1f images/s\n", best["peer"]
        printf "Vips.Thumbnailer       %6.1f images/s\n", best["ours"]
        printf "ratio (ours / peer)    %6.2f\n", best["ours"] / best["peer"]
    }' "$OUT/results.txt"
