#!/bin/sh
# Thumbnails per second on one thread: the Swift Vips.Thumbnailer against raw
# libvips (C, thumbnail_buffer + jpegsave_buffer) on the same photos.
# Needs Debian's plasma-workspace-wallpapers (apt-get install -y plasma-workspace-wallpapers).
# usage: benchmarks/vips/run.sh [ROUNDS]   (from the package root)
set -eu
ROUNDS=${1:-3}
WIDTH=300
FILES=$(ls -S /usr/share/wallpapers/*/contents/images/*.jpg 2>/dev/null | head -12)
[ -n "$FILES" ] || { echo "no photos: apt-get install -y plasma-workspace-wallpapers" >&2; exit 1; }
OUT=${TMPDIR:-/tmp}/msgflo-vips-bench
mkdir -p "$OUT"
cc -O2 -o "$OUT/raw_libvips" benchmarks/vips/raw_libvips.c $(pkg-config --cflags --libs vips)

# Warm the page cache and libvips' modules once.
"$OUT/raw_libvips" $WIDTH 1 $FILES >/dev/null 2>&1
set -- $("$OUT/raw_libvips" $WIDTH "$ROUNDS" $FILES 2>/dev/null)
peer_images=$1 peer_seconds=$2

swift build --build-tests >/dev/null 2>&1
VIPS_BENCHMARK_FILES="$(echo $FILES | tr ' ' ':')" VIPS_BENCHMARK_ROUNDS=$ROUNDS VIPS_BENCHMARK_WIDTH=$WIDTH \
    swift test --skip-build --filter ThumbnailBenchmark 2>/dev/null | grep '^benchmark ' > "$OUT/swift.txt"
set -- $(cat "$OUT/swift.txt")
ours_images=$2 ours_seconds=$3

echo "photos: $(echo $FILES | wc -w) JPEGs (2560x1600 to 5120x2880), ${WIDTH}px wide JPEG Q80, one thread, $ROUNDS rounds"
awk -v pi="$peer_images" -v ps="$peer_seconds" -v oi="$ours_images" -v os="$ours_seconds" 'BEGIN {
    peer = pi / ps; ours = oi / os
    printf "raw libvips (C)        %6.1f images/s\n", peer
    printf "Vips.Thumbnailer       %6.1f images/s\n", ours
    printf "ratio (ours / peer)    %6.2f\n", ours / peer
}'
