#!/usr/bin/env bash
# Live channel benchmark (网上观赛): one 1080p30 channel as OBS sends it (x264 veryfast 5 Mbit/s
# CBR, a keyframe every 2 s, AAC), published in real time over RTMP by the ffmpeg CLI for
# VOCWEEK_BENCH_LIVE_SECONDS (default 120), into a 1080p (the publisher's own H.264, copied) /
# 720p / 360p live ladder of 2 s segments, made by
#   vocweek       `vocweek serve` with its RTMP ingest on: the server (RTMP session, the FIFO
#                 into the media child, storing and listing each segment) and its live media
#                 child (one decode, two x264 encoders, the copied top rung, three HLS muxers)
#   cli-copy      one ffmpeg process listening for the same publish (`-listen 1`): the same
#                 ladder with the 1080p rung copied, `-f hls` with `hls_list_size`, same x264
#                 preset, CRF, keyframes and VBV cap per rung
#   cli-encode    the same with the 1080p rung encoded too (a live ladder without passthrough)
# CPU is user + sys seconds: vocweek's from /proc of the server (its own and its reaped
# children's; its workers are off, so the recording's replay job does not run in it), the CLI's
# from /usr/bin/time. Latency: from the moment a segment's last frame was sent (the publisher
# paces the file in real time from its start, so a segment ending at media time t left at
# start + t) to the moment the segment is listed in the live playlist, polled every 100 ms over
# HTTP. Then the replay: a server with workers on makes the ended event's item; the time from
# its start to the item in 待审核 is printed (the replay of a 60-minute event is the same work
# on 30 times the segments: joining and remuxing them, no transcode).
# PASS/MISS against the issue's goals (informative: the script exits 0 either way).
#   VOCWEEK_BENCH_LIVE_SECONDS (default 120), VOCWEEK_BENCH_DIR (default /var/tmp),
#   VOCWEEK_BIN (an existing vocweek binary; skips the cargo build)
set -euo pipefail
vocweek=${VOCWEEK_BIN:+$(realpath "$VOCWEEK_BIN")}
cd "$(dirname "$0")/.."
source scripts/lib.sh
source scripts/bench-lib.sh
ensure_debian_packages ffmpeg time curl python3

seconds=${VOCWEEK_BENCH_LIVE_SECONDS:-120}
fps=30
if [ -z "$vocweek" ]; then
  ensure_rust
  ensure_build_tools
  say "building the release binary"
  cargo build --release --locked -p vocweek
  vocweek="$CARGO_TARGET_DIR/release/vocweek"
fi

work=$(mktemp -d -p "${VOCWEEK_BENCH_DIR:-/var/tmp}" vocweek-live.XXXXXX)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
ticks=$(getconf CLK_TCK)

say "generating a ${seconds} s 1080p30 source as OBS sends it"
ffmpeg -hide_banner -nostdin -loglevel error -y \
  -f lavfi -i "testsrc2=size=1920x1080:rate=$fps,noise=alls=2:allf=t+u" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$seconds" \
  -map 0:v -map 1:a -c:v libx264 -preset veryfast -b:v 5M -maxrate 5M -bufsize 5M \
  -x264-params nal-hrd=cbr -g 60 -keyint_min 60 -sc_threshold 0 -pix_fmt yuv420p \
  -c:a aac -b:a 128k -ac 2 -f flv "$work/obs.flv"

# publish URL: the file in real time, packets copied, as an encoder sends its stream.
publish() {
  ffmpeg -hide_banner -nostdin -loglevel error -re -i "$work/obs.flv" -c copy -f flv "$1"
}

port=$((20000 + RANDOM % 20000))
rtmp_port=$((port + 1))
cat > "$work/vocweek.toml" <<TOML
[video]
rungs = [1080, 720, 360]
preset = "veryfast"
crf = 23
[live]
rtmp_listen = "127.0.0.1:$rtmp_port"
TOML
voc() { "$vocweek" --config "$work/vocweek.toml" --data-dir "$work/data" "$@"; }
unit=$(voc unit add --name bench --kind higher_vocational_college --city jinan 2>/dev/null | tail -n 1)
base="http://127.0.0.1:$port"

# The binary itself in the background (not through `voc`, a function: `$!` would be a subshell).
serve() {
  VOCWEEK_LOG_LEVEL=warn "$vocweek" --config "$work/vocweek.toml" --data-dir "$work/data" \
    serve --listen "127.0.0.1:$port" >> "$work/serve.out" 2>> "$work/serve.err" &
  server_pid=$!
  wait_for "$base/healthz"
}
# cpu_of PID: its own and its reaped children's user + sys seconds.
cpu_of() {
  awk -v t="$ticks" '{ print ($14 + $15 + $16 + $17) / t }' "/proc/$1/stat"
}

say "vocweek: the publish into its RTMP ingest (workers off)"
VOCWEEK_WORKERS_IN_PROCESS=false serve
channel=$(curl -sf -H "Authorization: Bearer $unit" -H 'Content-Type: application/json' \
  -d '{"title":"bench","scheduled_start":"2026-05-10T01:00:00Z"}' "$base/api/v1/channels")
id=$(echo "$channel" | json 'd["id"]')
key=$(echo "$channel" | json 'd["stream_key"]')
before=$(cpu_of "$server_pid")
started=$(date +%s.%N)
publish "rtmp://127.0.0.1:$rtmp_port/live/$key" &
publisher=$!
# Polls the top rung's live playlist; each segment's first sighting, as "seconds-since-start
# media-end-of-segment", goes to seen.txt.
python3 - "$base" "$unit" "$id" "$started" "$publisher" > "$work/seen.txt" <<'PY'
import os, sys, time, urllib.request
base, token, channel, started, publisher = sys.argv[1:6]
started = float(started)
def get(path):
    req = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.read().decode()
    except Exception:
        return None
def alive(pid):
    try:
        os.kill(int(pid), 0)
        return True
    except OSError:
        return False
variant = None
seen = {}
while alive(publisher):
    if variant is None:
        master = get(f"/api/v1/channels/{channel}/live/master.m3u8")
        if master:
            variant = [l for l in master.splitlines() if l and not l.startswith("#")][0]
    else:
        playlist = get(f"/api/v1/channels/{channel}/live/{variant}") or ""
        now = time.time() - started
        media = None
        lines = playlist.splitlines()
        for i, line in enumerate(lines):
            if line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
                number = int(line.split(":")[1])
            if line.startswith("#EXTINF:"):
                length = float(line[8:].rstrip(","))
                name = lines[i + 1]
                if name not in seen:
                    seen[name] = (now, length)
    time.sleep(0.1)
# Media end of each segment: the sum of the lengths up to it, in name order (numbers rise).
end = 0.0
for name in sorted(seen):
    at, length = seen[name]
    end += length
    print(f"{at:.3f} {end:.3f}")
PY
wait "$publisher" || true
# The child ends with the stream and is reaped before the event is said to end: its CPU is in
# the server's children's then.
for _ in $(seq 1 600); do
  state=$(curl -sf -H "Authorization: Bearer $unit" "$base/api/v1/channels/$id" | json 'd["state"]')
  [ "$state" = ended ] && break
  sleep 0.1
done
[ "$state" = ended ] || echo "the event did not end within 60 s: its CPU may be partly missing" >&2
vocweek_cpu=$(awk -v a="$(cpu_of "$server_pid")" -v b="$before" 'BEGIN { print a - b }')
kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""

# cli LABEL COPY: the ffmpeg CLI as the RTMP server of the same publish, the same ladder.
cli() {
  local label=$1 copy_top=$2 out="$work/$1" listen_port=$((port + 2)) top=()
  mkdir -p "$out"
  local x264="keyint=60:min-keyint=60:scenecut=0:open-gop=0"
  if [ "$copy_top" = 1 ]; then
    top=(-c:v:0 copy)
  else
    top=(-c:v:0 libx264 -preset:v:0 veryfast -crf:v:0 23 -profile:v:0 high
      -x264-params:v:0 "$x264:vbv-maxrate=6750:vbv-bufsize=13500")
  fi
  /usr/bin/time -f '%e %U %S %M' -o "$work/$label.time" \
    ffmpeg -hide_banner -nostdin -nostats -loglevel error -y \
    -listen 1 -f flv -i "rtmp://127.0.0.1:$listen_port/live/bench" \
    -filter_complex "[0:v]split=2[a][b];[a]scale=1280:720:flags=bicubic,setsar=1,format=yuv420p[v1];[b]scale=640:360:flags=bicubic,setsar=1,format=yuv420p[v2]" \
    -map 0:v -map 0:a -map "[v1]" -map 0:a -map "[v2]" -map 0:a \
    "${top[@]}" \
    -c:v:1 libx264 -preset:v:1 veryfast -crf:v:1 23 -profile:v:1 high \
    -x264-params:v:1 "$x264:vbv-maxrate=3000:vbv-bufsize=6000" \
    -c:v:2 libx264 -preset:v:2 veryfast -crf:v:2 23 -profile:v:2 high \
    -x264-params:v:2 "$x264:vbv-maxrate=750:vbv-bufsize=1500" \
    -c:a copy -f hls -hls_time 2 -hls_list_size 6 -hls_flags independent_segments \
    -var_stream_map "v:0,a:0 v:1,a:1 v:2,a:2" -master_pl_name master.m3u8 \
    -hls_segment_filename "$out/%v_%05d.ts" "$out/%v.m3u8" > "$work/$label.log" 2>&1 &
  local cli_pid=$!
  sleep 1
  publish "rtmp://127.0.0.1:$listen_port/live/bench"
  wait "$cli_pid" || { tail -n 20 "$work/$label.log" >&2; echo "$label failed" >&2; exit 1; }
}
say "ffmpeg CLI: the same ladder, the 1080p rung copied"
cli cli-copy 1
say "ffmpeg CLI: the same ladder, every rung encoded"
cli cli-encode 0
cli_cpu() { tail -n 1 "$work/$1.time" | awk '{ print $2 + $3 }'; }

say "vocweek: the ended event's replay (workers on)"
serve
replay_started=$(date +%s.%N)
replay=""
for _ in $(seq 1 1200); do
  replay=$(curl -sf -H "Authorization: Bearer $unit" "$base/api/v1/channels/$id" | json 'd["event"]["replay_asset_id"] or ""')
  [ -n "$replay" ] && break
  sleep 0.1
done
replay_seconds=$(awk -v a="$(date +%s.%N)" -v b="$replay_started" 'BEGIN { printf "%.2f", a - b }')
[ -n "$replay" ] || { echo "no replay within 120 s" >&2; replay_seconds=inf; }

echo
echo "source: 1920x1080 ${fps} fps, $(stat -c %s "$work/obs.flv" | awk -v d="$seconds" '{ printf "%.1f", $1 * 8 / d / 1e6 }') Mbit/s, ${seconds} s published in real time; $(nproc) cores; $(ffmpeg -version | head -n 1 | cut -d' ' -f1-3)"
minutes=$(awk -v s="$seconds" 'BEGIN { print s / 60 }')
printf '%-12s %10s %18s\n' tool "CPU s" "CPU s / stream min"
for row in "vocweek $vocweek_cpu" "cli-copy $(cli_cpu cli-copy)" "cli-encode $(cli_cpu cli-encode)"; do
  read -r tool cpu <<< "$row"
  awk -v t="$tool" -v c="$cpu" -v m="$minutes" 'BEGIN { printf "%-12s %10.1f %18.2f\n", t, c, c / m }'
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { print a / b }'; }
goal() {
  awk -v l="$1" -v v="$2" -v g="$3" \
    'BEGIN { printf "%-44s %6.3fx  (goal <= %sx)  %s\n", l, v, g, (v <= g ? "PASS" : "MISS") }'
}
goal "CPU vocweek / cli every rung encoded" "$(ratio "$vocweek_cpu" "$(cli_cpu cli-encode)")" 0.6
goal "CPU vocweek / cli 1080p copied" "$(ratio "$vocweek_cpu" "$(cli_cpu cli-copy)")" 1.05
# Latency of each segment listed: sighting - media end (the publisher's clock starts a little
# after `started`, so this is an upper bound).
awk '{ print $1 - $2 }' "$work/seen.txt" | sort -n > "$work/latency.txt"
count=$(wc -l < "$work/latency.txt")
if [ "$count" -gt 0 ]; then
  median=$(awk -v n="$count" 'NR == int((n + 1) / 2) { print }' "$work/latency.txt")
  worst=$(tail -n 1 "$work/latency.txt")
  printf '%-44s %6.2f s median, %.2f s worst over %d segments  (goal <= 3 s)  %s\n' \
    "segment listed after its last frame was sent" "$median" "$worst" "$count" \
    "$(awk -v w="$worst" 'BEGIN { print (w <= 3 ? "PASS" : "MISS") }')"
fi
printf '%-44s %6s s for %s s of stream (server start included)\n' "replay in 待审核 after the end" "$replay_seconds" "$seconds"
