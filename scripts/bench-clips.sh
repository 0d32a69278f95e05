#!/usr/bin/env bash
# Clip benchmark: a 60 s clip (in- and out-points off the keyframes: 300.5 s to 360.3 s) of a
# 1080p30 source as a live replay has it (OBS-like x264 5 Mbit/s CBR, a keyframe every 2 s, AAC;
# VOCWEEK_BENCH_CLIP_SOURCE_SECONDS long, default 600), cut by
#   vocweek   `vocweek clip SOURCE --from 300.5 --to 360.3 --out FILE` (the clip job's code, in
#             a media child: whole GOPs copied, the partial GOPs at the edges encoded again)
#   encode    the ffmpeg CLI cutting the same stretch exactly by encoding it all (`-ss` before
#             `-i`, libx264 with vocweek's preset and CRF, the sound copied)
#   copy      the ffmpeg CLI with `-c copy` (fast, but it starts at the keyframe before the
#             in-point: the clip is longer than asked, its first pictures not the marked ones)
# Prints wall and CPU time and peak RSS per tool, each clip's length against the 59.8 s asked
# (ffprobe), whether it starts on a keyframe, and the ratios vocweek / encode. Informative: exits
# 0 either way.
#   VOCWEEK_BENCH_CLIP_SOURCE_SECONDS (default 600), VOCWEEK_BENCH_DIR (default /var/tmp),
#   VOCWEEK_BIN (an existing vocweek binary; skips the cargo build)
set -euo pipefail
vocweek=${VOCWEEK_BIN:+$(realpath "$VOCWEEK_BIN")}
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_debian_packages ffmpeg time bc

source_seconds=${VOCWEEK_BENCH_CLIP_SOURCE_SECONDS:-600}
from=300.5
to=360.3
if [ "$(echo "$source_seconds < $to" | bc)" = 1 ]; then
  echo "VOCWEEK_BENCH_CLIP_SOURCE_SECONDS must be at least $to" >&2
  exit 2
fi

if [ -z "$vocweek" ]; then
  ensure_rust
  ensure_build_tools
  say "building the release binary"
  cargo build --release --locked -p vocweek
  vocweek="$CARGO_TARGET_DIR/release/vocweek"
fi

work=$(mktemp -d -p "${VOCWEEK_BENCH_DIR:-/var/tmp}" vocweek-clips.XXXXXX)
trap 'rm -rf "$work"' EXIT

cat > "$work/vocweek.toml" <<'EOF'
[video]
preset = "veryfast"
crf = 23
EOF

say "generating a ${source_seconds} s 1080p30 source (OBS-like, a keyframe every 2 s)"
ffmpeg -hide_banner -nostdin -loglevel error -y \
  -f lavfi -i "testsrc2=size=1920x1080:rate=30,noise=alls=2:allf=t+u" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$source_seconds" \
  -map 0:v -map 1:a -c:v libx264 -preset veryfast -b:v 5M -maxrate 5M -bufsize 5M \
  -x264-params nal-hrd=cbr -g 60 -keyint_min 60 -sc_threshold 0 -pix_fmt yuv420p \
  -c:a aac -b:a 128k -ac 2 -movflags +faststart "$work/source.mp4"

timed() {
  local label=$1
  shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/$label.time" "$@" > "$work/$label.log" 2>&1 \
    || { tail -n 20 "$work/$label.log" >&2; echo "$label failed" >&2; exit 1; }
}
measured() { tail -n 1 "$work/$1.time"; }
length_of() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1"; }
first_flags() {
  ffprobe -v error -select_streams v:0 -read_intervals '%+#1' \
    -show_entries packet=flags -of csv=p=0 "$1" | head -n 1
}

length=$(echo "$to - $from" | bc)
say "cutting $from–$to s ($length s)"
timed vocweek "$vocweek" --config "$work/vocweek.toml" clip "$work/source.mp4" \
  --from "$from" --to "$to" --out "$work/vocweek.mp4"
timed encode ffmpeg -hide_banner -nostdin -loglevel error -y -ss "$from" -i "$work/source.mp4" \
  -t "$length" -map 0:v -map 0:a -c:v libx264 -preset veryfast -crf 23 -profile:v high \
  -c:a copy -movflags +faststart "$work/encode.mp4"
timed copy ffmpeg -hide_banner -nostdin -loglevel error -y -ss "$from" -i "$work/source.mp4" \
  -t "$length" -map 0:v -map 0:a -c copy -movflags +faststart "$work/copy.mp4"

printf '%-8s %8s %8s %10s %9s %9s %s\n' tool wall_s cpu_s peak_MiB length_s error_s first_packet
for label in vocweek encode copy; do
  read -r wall user sys peak <<< "$(measured "$label")"
  cut_length=$(length_of "$work/$label.mp4")
  printf '%-8s %8.2f %8.2f %10.1f %9.3f %9.3f %s\n' "$label" "$wall" "$(echo "$user + $sys" | bc)" \
    "$(echo "$peak / 1024" | bc -l)" "$cut_length" "$(echo "$cut_length - $length" | bc -l)" \
    "$(first_flags "$work/$label.mp4")"
done
grep -o '"copied_pictures": [0-9]*\|"encoded_pictures": [0-9]*' "$work/vocweek.log" | tr '\n' ' '
echo
read -r v_wall v_user v_sys _ <<< "$(measured vocweek)"
read -r e_wall e_user e_sys _ <<< "$(measured encode)"
printf 'vocweek / encode: wall %.3f×, CPU %.3f×\n' "$(echo "$v_wall / $e_wall" | bc -l)" \
  "$(echo "($v_user + $v_sys) / ($e_user + $e_sys)" | bc -l)"
