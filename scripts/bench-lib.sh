# What the upload benchmarks share (sourced by bench-ingest.sh and bench-resumable.sh).

# An incompressible file of $2 MiB at $1 that is sniffed as a video: an MP4 `ftyp` header, then
# random bytes.
make_video_signed_file() {
  printf '\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomavc1' > "$1"
  head -c $(($2 * 1024 * 1024 - 24)) /dev/urandom >> "$1"
}

# Writes the number $2 into the 8 bytes after the header of $1, so an upload of the file is
# never a duplicate of the one before.
stamp_file() {
  printf '%08d' "$2" | dd of="$1" bs=1 seek=24 conv=notrunc status=none
}

# A unit's upload token in the data directory $2, made by the binary $1.
bench_unit_token() {
  "$1" --data-dir "$2" unit add --name bench --kind higher_vocational_college --city jinan 2>/dev/null |
    tail -n 1
}
