#!/usr/bin/env bash
# Chunked transcodes across workers: one long video (default 20 minutes, 854x480 at 30 fps with
# a tone, keyframes 10 s apart so the top rung is encoded, not copied) uploaded to `vocweek serve`
# (SQLite, local files, no workers of its own) and transcoded by `vocweek worker` processes, each
# pinned to one core with taskset (its media children inherit the pin): first one worker, then
# two. Timed from the upload to the item in 待审核. Prints both times and the speed-up.
#   VOCWEEK_BENCH_CHUNK_MINUTES (default 20), VOCWEEK_BENCH_CHUNK_SECONDS (default 120),
#   VOCWEEK_BENCH_DIR (default /var/tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
source scripts/bench-lib.sh
ensure_rust
ensure_build_tools
ensure_debian_packages ffmpeg curl jq util-linux

minutes=${VOCWEEK_BENCH_CHUNK_MINUTES:-20}
chunk_seconds=${VOCWEEK_BENCH_CHUNK_SECONDS:-120}
say "building the release binary"
cargo build --release --locked -p vocweek
vocweek="$CARGO_TARGET_DIR/release/vocweek"

work=$(mktemp -d -p "${VOCWEEK_BENCH_DIR:-/var/tmp}" vocweek-chunks.XXXXXX)
server_pid=
worker_pids=()
stop_all() {
  for pid in "${worker_pids[@]}" $server_pid; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  worker_pids=()
  server_pid=
}
trap 'stop_all; rm -rf "$work"' EXIT

say "making a $minutes-minute source"
ffmpeg -v error -f lavfi -i testsrc2=size=854x480:rate=30 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -t $((minutes * 60)) \
  -c:v libx264 -preset ultrafast -g 300 -keyint_min 300 -pix_fmt yuv420p -c:a aac -b:a 128k \
  "$work/source.mp4"

# Chunking from 5 minutes up (the default would not chunk a 20-minute video:
# `chunk_above_seconds` is 1200), in chunks of $chunk_seconds.
cat > "$work/vocweek.toml" <<TOML
[video]
chunk_above_seconds = 300
chunk_seconds = $chunk_seconds
TOML

# One run with $1 workers pinned to cores 0…$1-1; sets `elapsed`, the seconds from upload to 待审核.
run_with_workers() {
  local workers=$1 data="$work/data-$1"
  local token
  token=$(bench_unit_token "$vocweek" "$data")
  VOCWEEK_LOG_LEVEL=warn VOCWEEK_WORKERS_IN_PROCESS=false \
    start_bench_server "$vocweek" "$data" --config "$work/vocweek.toml"
  for core in $(seq 0 $((workers - 1))); do
    VOCWEEK_LOG_LEVEL=warn VOCWEEK_WORKERS_CONCURRENCY=1 taskset -c "$core" \
      "$vocweek" --config "$work/vocweek.toml" --data-dir "$data" worker \
      > "$data.worker$core.out" 2> "$data.worker$core.err" &
    worker_pids+=($!)
  done
  local start id state
  start=$EPOCHREALTIME
  id=$(curl -sf -H "Authorization: Bearer $token" -F title=bench -F "file=@$work/source.mp4" \
    "http://127.0.0.1:$port/api/v1/assets" | jq -r .id)
  while :; do
    state=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/assets/$id" |
      jq -r .state)
    case "$state" in
      pending_review) break ;;
      failed)
        echo "the video failed; worker log:" >&2
        tail -n 20 "$data".worker*.err >&2
        exit 1
        ;;
    esac
    sleep 1
  done
  elapsed=$(awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", e - s }')
  stop_all
}

say "one worker (core 0)"
run_with_workers 1
one=$elapsed
say "two workers (cores 0 and 1)"
run_with_workers 2
two=$elapsed
awk -v m="$minutes" -v cs="$chunk_seconds" -v a="$one" -v b="$two" 'BEGIN {
  printf "\nsource:      %d min, 854x480 30 fps, keyframes every 10 s; chunks of %d s\n", m, cs
  printf "one worker:  %.1f s upload → 待审核\n", a
  printf "two workers: %.1f s upload → 待审核\n", b
  printf "speed-up:    %.2fx (goal >= 1.7x)\n", a / b
}'
