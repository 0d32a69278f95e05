#!/usr/bin/env bash
# Media-delivery benchmark: 32 concurrent clients fetch 1 MiB ranges at random offsets of a
# 1 GiB original and whole HLS segments, through vocweek's `/media` (release build, filesystem
# store, a partner key, rate limit off) and through nginx (Debian's package) serving the very
# same files from disk, with the same client (`media-load`), one run each after a warm-up.
# vocweek is measured twice: on its media port (`partners.media_listen`, sendfile(2); what the
# feed links to) and on the API port (actix, streamed).
# Prints MB/s, the ratios and vocweek's peak RSS during the load.
#   VOCWEEK_BENCH_SIZE_MB (default 1024), VOCWEEK_BENCH_SECONDS (default 30),
#   VOCWEEK_BENCH_DIR (default /var/tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_rust
ensure_build_tools
command -v curl >/dev/null || ensure_debian_packages curl
command -v ffmpeg >/dev/null || ensure_debian_packages ffmpeg
command -v nginx >/dev/null || ensure_debian_packages nginx
command -v python3 >/dev/null || ensure_debian_packages python3

size_mb=${VOCWEEK_BENCH_SIZE_MB:-1024}
seconds=${VOCWEEK_BENCH_SECONDS:-30}
clients=32
say "building release binaries"
cargo build --release --locked -p vocweek -p vocweek-bench
bin="$CARGO_TARGET_DIR/release"

work=$(mktemp -d -p "${VOCWEEK_BENCH_DIR:-/var/tmp}" vocweek-media.XXXXXX)
server_pid=
nginx_pid=
cleanup() {
  if [ -s "$work/serve.err" ]; then
    echo "--- vocweek's standard error:" >&2
    tail -n 20 "$work/serve.err" >&2
  fi
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
wait_for() { for _ in $(seq 1 100); do curl -s -o /dev/null "$1" && return; sleep 0.1; done; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

say "making a ${size_mb} MiB video: 20 s of 720p, then a 'free' box of random bytes"
ffmpeg -loglevel error -f lavfi -i testsrc2=size=1280x720:rate=25 -f lavfi -i sine=frequency=440 \
  -t 20 -c:v libx264 -preset ultrafast -c:a aac -shortest -movflags +faststart "$work/video.mp4"
python3 - "$work/video.mp4" "$size_mb" <<'PY'
import os, struct, sys
path, size = sys.argv[1], int(sys.argv[2]) << 20
padding = size - os.path.getsize(path)
with open(path, "ab") as f:
    f.write(struct.pack(">I", padding) + b"free")
    left = padding - 8
    while left:
        chunk = os.urandom(min(left, 8 << 20))
        f.write(chunk)
        left -= len(chunk)
PY
bytes=$(stat -c %s "$work/video.mp4")

port=$((20000 + RANDOM % 20000))
media_port=$((port + 2))
cat >"$work/vocweek.toml" <<TOML
[partners]
rate_limit_per_minute = 0
media_listen = "127.0.0.1:$media_port"
[video]
preset = "ultrafast"
TOML
voc() { "$bin/vocweek" --config "$work/vocweek.toml" --data-dir "$work/data" "$@"; }
unit=$(voc unit add --name bench --kind higher_vocational_college --city jinan 2>/dev/null | tail -n 1)
# A chosen password: a generated one must be changed before the API answers anything else.
password="a long bench password"
echo "$password" | voc user add --username bench --role admin --password-stdin >/dev/null 2>&1
key=$(voc partner add --name bench 2>/dev/null | tail -n 1)
base="http://127.0.0.1:$port"
media="http://127.0.0.1:$media_port"

say "ingesting, transcoding and approving it"
VOCWEEK_LOG_LEVEL=warn "$bin/vocweek" --config "$work/vocweek.toml" --data-dir "$work/data" \
  serve --listen "127.0.0.1:$port" >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
wait_for "$base/healthz"
id=$(curl -sf -H "Authorization: Bearer $unit" -F title=bench -F "file=@$work/video.mp4" \
  "$base/api/v1/assets" | json 'd["id"]')
session=$(curl -sf -H 'Content-Type: application/json' \
  -d "{\"username\":\"bench\",\"password\":\"$password\"}" "$base/api/v1/session" | json 'd["token"]')
for _ in $(seq 1 600); do
  state=$(curl -sf -H "Authorization: Bearer $session" "$base/api/v1/assets/$id" | json 'd["state"]')
  [ "$state" = pending_review ] && break
  [ "$state" = failed ] && { echo "processing failed" >&2; exit 1; }
  sleep 1
done
version=$(curl -sf -H "Authorization: Bearer $session" "$base/api/v1/assets/$id" | json 'd["version"]')
curl -sf -o /dev/null -H "Authorization: Bearer $session" -H 'Content-Type: application/json' \
  -d "{\"action\":\"approve\",\"version\":$version}" "$base/api/v1/assets/$id/review"
hash=$(curl -sf -H "Authorization: Bearer $session" "$base/api/v1/assets/$id" | json 'd["blake3"]')
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true

# The load runs against a fresh process without workers: its peak RSS is the delivery's own.
VOCWEEK_WORKERS_IN_PROCESS=false VOCWEEK_LOG_LEVEL=warn \
  "$bin/vocweek" --config "$work/vocweek.toml" --data-dir "$work/data" \
  serve --listen "127.0.0.1:$port" >"$work/serve.out" 2>"$work/serve.err" &
server_pid=$!
wait_for "$base/healthz"
wait_for "$media/healthz"

nginx_port=$((port + 1))
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
user root;
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type application/octet-stream;
  types { video/mp2t ts; application/vnd.apple.mpegurl m3u8; }
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/data/blobs;
  }
}
CONF
nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
wait_for "http://127.0.0.1:$nginx_port/"

segments=$(cd "$work/data/blobs/renditions/$id/hls" && ls ./*.ts | sed 's|^\./||')
original_key="originals/${hash:0:2}/${hash:2:2}/$hash"
vocweek_segments=() api_segments=() nginx_segments=()
for s in $segments; do
  vocweek_segments+=("$media/media/$id/hls/$s")
  api_segments+=("$base/media/$id/hls/$s")
  nginx_segments+=("http://127.0.0.1:$nginx_port/renditions/$id/hls/$s")
done
say "$(echo "$segments" | wc -l) HLS segments, a ${size_mb} MiB original; $clients clients, ${seconds} s each"

load() { "$bin/media-load" "$1" "$clients" "$2" "$3" "$bytes" "${@:4}"; }
# Warm-up: both servers then read the same files from the page cache.
load 5 - "http://127.0.0.1:$nginx_port/$original_key" "${nginx_segments[@]}" >/dev/null
vocweek_result=$(load "$seconds" "$key" "$media/media/$id/original" "${vocweek_segments[@]}")
echo "vocweek (media port): $vocweek_result" >&2
vocweek_rss=$(awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$server_pid/status")
api_result=$(load "$seconds" "$key" "$base/media/$id/original" "${api_segments[@]}")
echo "vocweek (API port): $api_result" >&2
api_rss=$(awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$server_pid/status")
nginx_result=$(load "$seconds" - "http://127.0.0.1:$nginx_port/$original_key" "${nginx_segments[@]}")

read -r _ _ vocweek_mbs vocweek_requests vocweek_errors <<<"$vocweek_result"
read -r _ _ api_mbs api_requests api_errors <<<"$api_result"
read -r _ _ nginx_mbs nginx_requests nginx_errors <<<"$nginx_result"
ratio=$(awk -v a="$vocweek_mbs" -v b="$nginx_mbs" 'BEGIN { printf "%.2f", a / b }')
api_ratio=$(awk -v a="$api_mbs" -v b="$nginx_mbs" 'BEGIN { printf "%.2f", a / b }')
echo
echo "media delivery, $clients clients x ${seconds} s, 1 MiB ranges of a ${size_mb} MiB original + HLS segments"
printf '  vocweek media port : %8.1f MB/s  (%s requests, %s errors), peak RSS %s MiB\n' \
  "$vocweek_mbs" "$vocweek_requests" "$vocweek_errors" "$vocweek_rss"
printf '  vocweek API port   : %8.1f MB/s  (%s requests, %s errors), peak RSS %s MiB (both runs)\n' \
  "$api_mbs" "$api_requests" "$api_errors" "$api_rss"
printf '  nginx %-13s: %8.1f MB/s  (%s requests, %s errors)\n' \
  "$(nginx -v 2>&1 | sed 's|.*/||')" "$nginx_mbs" "$nginx_requests" "$nginx_errors"
echo "  vocweek media port / nginx = ${ratio}x (goal: >= 0.8x)"
echo "  vocweek API port / nginx   = ${api_ratio}x"
