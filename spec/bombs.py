"""Image bombs for the hostile spec, written byte by byte (no encoder holds
the decoded image): small to send, costly to decode.

    python3 spec/bombs.py OUT_DIR

- interlaced16.png: 10000x10000 16-bit RGB Adam7 PNG, all black. 100
  megapixels (the default pixel limit) but 600 MB to decode.
- bands64.tif: 16x16 pixels of 64 float bands (4 GB when asked at 4096x4096).
- frames10000.gif: 10,000 one-pixel frames on a 1000x1000 canvas.
"""
import os
import struct
import sys
import zlib


def interlaced_png16(width, height):
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    compressor = zlib.compressobj(9)
    chunks = []
    for x0, y0, dx, dy in passes:
        columns = (width - x0 + dx - 1) // dx if width > x0 else 0
        rows = (height - y0 + dy - 1) // dy if height > y0 else 0
        if not columns or not rows:
            continue
        row = bytes(1 + columns * 6)  # filter byte 0, then black 16-bit RGB
        for _ in range(rows):
            chunks.append(compressor.compress(row))
    chunks.append(compressor.flush())
    data = b"".join(chunks)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 1)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def float_tiff(width, height, bands):
    entries = 12
    arrays = 8 + 2 + entries * 12 + 4
    bits_at, extra_at = arrays, arrays + bands * 2
    format_at = extra_at + (bands - 1) * 2
    data_at = format_at + bands * 2
    data_bytes = width * height * bands * 4
    out = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", entries)

    def entry(tag, kind, count, value):
        packed = struct.pack("<HH", value, 0) if kind == 3 and count == 1 else struct.pack("<I", value)
        return struct.pack("<HHI", tag, kind, count) + packed

    out += entry(256, 3, 1, width) + entry(257, 3, 1, height) + entry(258, 3, bands, bits_at) + entry(259, 3, 1, 1)
    out += entry(262, 3, 1, 1) + entry(273, 4, 1, data_at) + entry(277, 3, 1, bands) + entry(278, 4, 1, height)
    out += entry(279, 4, 1, data_bytes) + entry(284, 3, 1, 1) + entry(338, 3, bands - 1, extra_at) + entry(339, 3, bands, format_at)
    out += struct.pack("<I", 0)
    out += struct.pack("<%dH" % bands, *([32] * bands)) + struct.pack("<%dH" % (bands - 1), *([0] * (bands - 1)))
    out += struct.pack("<%dH" % bands, *([3] * bands))
    return out + bytes(data_bytes)


def many_frame_gif(frames, width, height):
    out = b"GIF89a" + struct.pack("<HH", width, height) + b"\x80\x00\x00" + b"\x00\x00\x00\xff\xff\xff"
    out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    for frame in range(frames):
        out += b"\x21\xf9\x04\x00\x01\x00\x00\x00"
        out += b"\x2c" + struct.pack("<HHHH", frame % width, frame // width % height, 1, 1) + b"\x00"
        out += b"\x02\x02\x44\x01\x00"
    return out + b"\x3b"


BOMBS = {
    "interlaced16.png": lambda: interlaced_png16(10_000, 10_000),
    "bands64.tif": lambda: float_tiff(16, 16, 64),
    "frames10000.gif": lambda: many_frame_gif(10_000, 1000, 1000),
}


def main(out):
    os.makedirs(out, exist_ok=True)
    for name, make in BOMBS.items():
        path = os.path.join(out, name)
        if not os.path.exists(path):
            with open(path + ".tmp", "wb") as f:
                f.write(make())
            os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), ".fixtures"))
