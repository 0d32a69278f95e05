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

# Waits until the URL $1 answers (at most 10 s).
wait_for() { for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return; sleep 0.1; done; }

# Starts `vocweek serve` (the binary $1, the data directory $2) in the background on a random
# loopback port, its output in $2.out and $2.err; sets `port` and `server_pid`, and returns once
# it answers /healthz. Settings for the server go as variables before the call, or as more
# options (`--config FILE`) after the data directory.
start_bench_server() {
  port=$((20000 + RANDOM % 20000))
  "$1" --data-dir "$2" "${@:3}" serve --listen "127.0.0.1:$port" > "$2.out" 2> "$2.err" &
  server_pid=$!
  wait_for "http://127.0.0.1:$port/healthz"
}
