#!/usr/bin/env bash
# Builds the image fixtures the black-box spec serves from a local static server:
# real photos from Debian's plasma-workspace-wallpapers, plus generated PNG and WebP,
# a truncated JPEG, a non-image and a huge-pixel PNG, and the image bombs of
# spec/bombs.py. Output: $1 (default spec/.fixtures).
set -euo pipefail
OUT="${1:-$(cd "$(dirname "$0")" && pwd)/.fixtures}"
WALL=/usr/share/wallpapers
if [ ! -d "$WALL" ] || ! command -v vips >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends plasma-workspace-wallpapers libvips-tools >/dev/null
fi
# Image bombs for test_hostile.py (each written once; cheap to check).
python3 "$(dirname "$0")/bombs.py" "$OUT"
[ -f "$OUT/.complete" ] && exit 0
mkdir -p "$OUT/photos"
# Every distinct landscape photo, named by theme and size.
find "$WALL" -path '*/contents/images/*.jpg' | sort | while read -r f; do
  theme=$(echo "$f" | sed -E 's#.*/wallpapers/([^/]+)/.*#\1#'); size=$(basename "$f" .jpg)
  cp "$f" "$OUT/photos/${theme}-${size}.jpg"
done
big=$(ls -S "$OUT"/photos/*5120x2880*.jpg | head -1)
cp "$big" "$OUT/big.jpg"
vips thumbnail "$big" "$OUT/photo.png" 1600
vips thumbnail "$big" "$OUT/photo.webp[Q=80]" 1200
head -c 20000 "$big" > "$OUT/truncated.jpg"
printf 'this is not an image, just text\n' > "$OUT/not-an-image.jpg"
# 20000 x 20000 one-bit PNG: 400 megapixels, a few kB on disk (a decompression bomb).
vips black "$OUT/huge.v" 20000 20000 --bands 1
vips copy "$OUT/huge.v" "$OUT/huge.png[bitdepth=1,compression=9]"
rm -f "$OUT/huge.v"
touch "$OUT/.complete"
