#!/usr/bin/env python3
"""Writes N distinct photos for the end-to-end photo benchmark (scripts/bench-photos.sh).

Usage: bench-photo-set.py COUNT HEIC_EVERY OUT_DIR BASE...

Each output is one of the BASE files with a stamp that changes its bytes, not its picture, so
no upload is a duplicate of another and every one costs a full decode: a JPEG gets a comment
segment (COM) right after its start marker, a HEIF file a `free` box at its end (ISO base media
files may end with any box a reader skips). Every HEIC_EVERY-th photo is made from the HEIF
bases, the others from the JPEG bases, in turn.
"""

import struct
import sys
from pathlib import Path


def stamp_jpeg(data: bytes, label: bytes) -> bytes:
    if data[:2] != b"\xff\xd8":
        raise SystemExit("not a JPEG")
    segment = b"\xff\xfe" + struct.pack(">H", len(label) + 2) + label
    return data[:2] + segment + data[2:]


def stamp_heif(data: bytes, label: bytes) -> bytes:
    return data + struct.pack(">I", len(label) + 8) + b"free" + label


def main() -> None:
    count, heic_every, out = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    bases = [Path(p) for p in sys.argv[4:]]
    jpegs = [p for p in bases if p.suffix.lower() in (".jpg", ".jpeg")]
    heifs = [p for p in bases if p.suffix.lower() in (".heic", ".heif")]
    if not jpegs:
        raise SystemExit("no JPEG base")
    contents = {p: p.read_bytes() for p in bases}
    out.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        label = f"vocweek bench photo {index}".encode()
        if heifs and heic_every > 0 and index % heic_every == heic_every - 1:
            base = heifs[(index // heic_every) % len(heifs)]
            data = stamp_heif(contents[base], label)
        else:
            base = jpegs[index % len(jpegs)]
            data = stamp_jpeg(contents[base], label)
        (out / f"photo_{index:05d}{base.suffix.lower()}").write_bytes(data)


if __name__ == "__main__":
    main()
