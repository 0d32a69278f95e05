#!/usr/bin/env bash
# Ingest benchmark: uploads a 1 GiB file over loopback to a release build of vocweek (embedded
# default: SQLite + filesystem store, workers in-process) and prints its MB/s beside the floor
# on the same file (BLAKE3 + a copy to the same disk, `ingest-floor`), plus the server's peak RSS.
#   VOCWEEK_BENCH_SIZE_MB (default 1024), VOCWEEK_BENCH_RUNS (default 3),
#   VOCWEEK_BENCH_DIR (default /var/tmp; must be on the disk you want to measure)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
source scripts/bench-lib.sh
ensure_rust
ensure_build_tools
command -v curl >/dev/null || ensure_debian_packages curl

size_mb=${VOCWEEK_BENCH_SIZE_MB:-1024}
runs=${VOCWEEK_BENCH_RUNS:-3}
say "building release binaries"
cargo build --release --locked -p vocweek -p vocweek-bench
bin="$CARGO_TARGET_DIR/release"

work=$(mktemp -d -p "${VOCWEEK_BENCH_DIR:-/var/tmp}" vocweek-bench.XXXXXX)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

say "making a ${size_mb} MiB video-signed file in $work"
file="$work/replay.mp4"
make_video_signed_file "$file" "$size_mb"
bytes=$(stat -c %s "$file")

# Each run changes 8 bytes after the header, so no upload is a duplicate of the one before.
stamp() { stamp_file "$file" "$1"; }

token=$(bench_unit_token "$bin/vocweek" "$work/data")
VOCWEEK_LOG_LEVEL=warn start_bench_server "$bin/vocweek" "$work/data"

best_floor=0
best_upload=0
for run in $(seq 1 "$runs"); do
  stamp "$run"
  sync
  floor=$("$bin/ingest-floor" "$file" "$work/floor-copy" | awk '{print $3}')
  stamp "$((run + 1000))"
  sync
  result=$(curl -s -o "$work/answer.json" -w '%{http_code} %{time_total}' \
    -H "Authorization: Bearer $token" -F title=bench -F "file=@$file" \
    "http://127.0.0.1:$port/api/v1/assets")
  status=${result%% *}
  seconds=${result##* }
  if [ "$status" != 201 ]; then
    echo "upload answered $status: $(cat "$work/answer.json")" >&2
    exit 1
  fi
  upload=$(awk -v b="$bytes" -v s="$seconds" 'BEGIN { printf "%.1f", b / s / 1e6 }')
  printf 'run %d: floor %s MB/s, vocweek %s MB/s\n' "$run" "$floor" "$upload"
  best_floor=$(awk -v a="$best_floor" -v b="$floor" 'BEGIN { print (b > a ? b : a) }')
  best_upload=$(awk -v a="$best_upload" -v b="$upload" 'BEGIN { print (b > a ? b : a) }')
done
peak_kib=$(awk '/VmHWM/ { print $2 }' "/proc/$server_pid/status")

echo
echo "file:              ${size_mb} MiB ($bytes bytes), $runs runs, best of each"
echo "floor (hash+copy): $best_floor MB/s"
echo "vocweek upload:    $best_upload MB/s"
awk -v u="$best_upload" -v f="$best_floor" 'BEGIN { printf "ratio:             %.0f%% of the floor (goal >= 70%%)\n", 100 * u / f }'
awk -v k="$peak_kib" 'BEGIN { printf "server peak RSS:   %.1f MiB (goal < 100 MiB)\n", k / 1024 }'
