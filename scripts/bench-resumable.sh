#!/usr/bin/env bash
# Resumable-upload benchmark: a 1 GiB file over loopback in 8 MiB PATCHes (tus) to a release
# build of vocweek (embedded default), beside the simple multipart upload of the same file to
# the same server, and beside the reference Node.js server @tus/server with its file store
# (npm, pinned in scripts/bench-tus-node), driven by the same client (`tus-upload`). Prints
# MB/s, the ratios, both servers' peak RSS, and what the BLAKE3 re-read at completion costs.
#   VOCWEEK_BENCH_SIZE_MB (default 1024), VOCWEEK_BENCH_RUNS (default 3),
#   VOCWEEK_BENCH_DIR (default /var/tmp; must be on the disk you want to measure)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
source scripts/bench-lib.sh
ensure_rust
ensure_build_tools
command -v curl >/dev/null || ensure_debian_packages curl
npm_ci_when_changed scripts/bench-tus-node

size_mb=${VOCWEEK_BENCH_SIZE_MB:-1024}
runs=${VOCWEEK_BENCH_RUNS:-3}
chunk=$((8 * 1024 * 1024))
say "building release binaries"
cargo build --release --locked -p vocweek -p vocweek-bench
bin="$CARGO_TARGET_DIR/release"

work=$(mktemp -d -p "${VOCWEEK_BENCH_DIR:-/var/tmp}" vocweek-bench.XXXXXX)
server_pid=
node_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$node_pid" ] && kill "$node_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

say "making a ${size_mb} MiB video-signed file in $work"
file="$work/replay.mp4"
make_video_signed_file "$file" "$size_mb"
bytes=$(stat -c %s "$file")
# Each upload changes 8 bytes after the header, so none is a duplicate of another.
stamp() { stamp_file "$file" "$1"; }

port=$((20000 + RANDOM % 20000))
token=$(bench_unit_token "$bin/vocweek" "$work/data")
# Workers off: each upload would start a job reading the last 1 GiB file while the next upload
# runs, and the comparison is of the upload paths alone.
VOCWEEK_WORKERS_IN_PROCESS=false VOCWEEK_LOG_LEVEL=warn \
  "$bin/vocweek" --data-dir "$work/data" serve --listen "127.0.0.1:$port" \
  > "$work/serve.out" 2> "$work/serve.err" &
server_pid=$!
wait_for "http://127.0.0.1:$port/healthz"

node_port=$((port + 1))
mkdir -p "$work/node-files"
node scripts/bench-tus-node/server.mjs "$node_port" "$work/node-files" > "$work/node.out" 2>&1 &
node_pid=$!
wait_for "http://127.0.0.1:$node_port/files"

best() { awk -v a="$1" -v b="$2" 'BEGIN { print (b > a ? b : a) }'; }
simple_upload() {
  stamp "$1"; sync
  local result
  result=$(curl -s -o "$work/answer.json" -w '%{http_code} %{time_total}' \
    -H "Authorization: Bearer $token" -F title=bench -F "file=@$file" \
    "http://127.0.0.1:$port/api/v1/assets")
  [ "${result%% *}" = 201 ] || { echo "simple upload answered $result: $(cat "$work/answer.json")" >&2; exit 1; }
  simple=$(awk -v b="$bytes" -v s="${result##* }" 'BEGIN { printf "%.1f", b / s / 1e6 }')
}
tus_upload() {
  stamp "$1"; sync
  read -r _ _ tus last <<<"$("$bin/tus-upload" "http://127.0.0.1:$port/api/v1/uploads/" "$file" "$chunk" "$token")"
}
node_upload() {
  stamp "$1"; sync
  read -r _ _ node _ <<<"$("$bin/tus-upload" "http://127.0.0.1:$node_port/files" "$file" "$chunk")"
  rm -rf "$work/node-files"/*
}
# The virtual disk is fastest for whichever upload comes first after a pause, so the order
# rotates: each contender goes first once in three runs.
orders=("simple tus node" "tus node simple" "node simple tus")
best_simple=0 best_tus=0 best_node=0 last_patch=0
for run in $(seq 1 "$runs"); do
  for who in ${orders[$(((run - 1) % 3))]}; do
    "${who}_upload" "$((run * 10 + ${#who}))"
  done
  printf 'run %d (%s): multipart %s MB/s, vocweek tus %s MB/s (last PATCH with ingest %s s), @tus/server %s MB/s\n' \
    "$run" "${orders[$(((run - 1) % 3))]}" "$simple" "$tus" "$last" "$node"
  best_simple=$(best "$best_simple" "$simple")
  best_tus=$(best "$best_tus" "$tus")
  best_node=$(best "$best_node" "$node")
  last_patch=$last
done
vocweek_kib=$(awk '/VmHWM/ { print $2 }' "/proc/$server_pid/status")
node_kib=$(awk '/VmHWM/ { print $2 }' "/proc/$node_pid/status")
read -r _ rehash_s rehash_mbs <<<"$("$bin/rehash-cost" "$file")"

echo
echo "file:                 ${size_mb} MiB ($bytes bytes) in $((chunk / 1048576)) MiB PATCHes, $runs runs, best of each"
echo "multipart upload:     $best_simple MB/s"
echo "vocweek tus:          $best_tus MB/s"
echo "@tus/server (Node):   $best_node MB/s"
awk -v t="$best_tus" -v s="$best_simple" 'BEGIN { printf "tus / multipart:      %.2fx (goal >= 0.8x)\n", t / s }'
awk -v t="$best_tus" -v n="$best_node" 'BEGIN { printf "tus / @tus/server:    %.2fx (goal >= 1.0x)\n", t / n }'
awk -v k="$vocweek_kib" 'BEGIN { printf "vocweek peak RSS:     %.1f MiB\n", k / 1024 }'
awk -v k="$node_kib" 'BEGIN { printf "@tus/server peak RSS: %.1f MiB\n", k / 1024 }'
echo "BLAKE3 re-read at completion: $rehash_s s for the whole file ($rehash_mbs MB/s, page cache warm); last PATCH of the last run incl. ingest: $last_patch s"
