#!/usr/bin/env bash
# The cost of running media work in sandboxed child processes, the way the service does it:
#   photos   `vocweek thumbnail --jobs 2 FILES` (in this process) against
#            `vocweek thumbnail --isolated --jobs 2 FILES` (one `media-run` child per photo,
#            with its rlimits and Landlock), on VOCWEEK_BENCH_IMAGES (default 12) generated
#            12 MP JPEGs, both cores busy; photos per second, ratio, peak RSS;
#   start    the same on tiny 64x64 JPEGs: what starting a child costs by itself;
#   video    `vocweek transcode` against `vocweek transcode --isolated` on a generated 1080p30
#            video of VOCWEEK_BENCH_SECONDS (default 60) seconds, the 1080/720/360 ladder.
# Each measurement is the median of VOCWEEK_BENCH_REPEAT runs (default 3; video runs once
# unless VOCWEEK_BENCH_VIDEO_REPEAT is set).
set -euo pipefail
vocweek=${VOCWEEK_BIN:+$(realpath "$VOCWEEK_BIN")}
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_debian_packages imagemagick ffmpeg time

count=${VOCWEEK_BENCH_IMAGES:-12}
repeat=${VOCWEEK_BENCH_REPEAT:-3}
video_repeat=${VOCWEEK_BENCH_VIDEO_REPEAT:-1}
seconds=${VOCWEEK_BENCH_SECONDS:-60}
if [ -z "$vocweek" ]; then
  ensure_rust
  ensure_build_tools
  say "building the release binary"
  cargo build --release --locked -p vocweek
  vocweek="$CARGO_TARGET_DIR/release/vocweek"
fi

work=$(mktemp -d -p "${VOCWEEK_BENCH_DIR:-/var/tmp}" vocweek-isolation.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/big" "$work/tiny" "$work/out"
cat > "$work/vocweek.toml" <<'TOML'
[video]
rungs = [1080, 720, 360]
preset = "veryfast"
crf = 23
TOML

say "generating $count 12 MP JPEGs and $((count * 4)) tiny ones"
for i in $(seq 1 "$count"); do
  convert -seed "$i" -size 4000x3000 plasma:fractal -blur 0x1 -quality 90 "$work/big/p$i.jpg"
done
for i in $(seq 1 $((count * 4))); do
  convert -seed "$i" -size 64x64 plasma:fractal -quality 90 "$work/tiny/t$i.jpg"
done
say "generating a ${seconds} s 1080p30 video"
ffmpeg -hide_banner -nostdin -loglevel error -y \
  -f lavfi -i "testsrc2=size=1920x1080:rate=30,noise=alls=2:allf=t+u" \
  -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$seconds" \
  -map 0:v -map 1:a -c:v libx264 -preset ultrafast -crf 18 -g 60 -pix_fmt yuv420p \
  -c:a aac -b:a 128k -ac 2 -movflags +faststart "$work/source.mp4"

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# measure RUNS COMMAND...: prints "<median seconds> <largest peak KiB>"; the peak is of the
# vocweek process itself (GNU time's %M), so with --isolated it leaves the children out: it
# shows what the server process saves, not the total.
measure() {
  local runs=$1; shift
  : > "$work/times"
  local peak=0
  for _ in $(seq 1 "$runs"); do
    rm -rf "$work/out" && mkdir -p "$work/out"
    local start=$EPOCHREALTIME
    /usr/bin/time -f %M -o "$work/rss" "$@" > /dev/null 2> "$work/stderr" ||
      { cat "$work/stderr" >&2; exit 1; }
    local end=$EPOCHREALTIME
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f\n", b - a }' >> "$work/times"
    local kib; kib=$(tail -n 1 "$work/rss")
    [ "$kib" -gt "$peak" ] && peak=$kib
  done
  echo "$(median < "$work/times") $peak"
}

row() { # NAME ITEMS IN_SECONDS IN_KIB ISO_SECONDS ISO_KIB UNIT
  awk -v n="$1" -v items="$2" -v a="$3" -v ak="$4" -v b="$5" -v bk="$6" -v unit="$7" 'BEGIN {
    if (unit == "per-second")
      printf "%-22s %10.2f/s %10.2f/s %8.3fx   %7.1f %7.1f MiB   %+.1f ms per item\n", n, items / a, items / b, a / b, ak / 1024, bk / 1024, (b - a) / items * 1000
    else
      printf "%-22s %10.2f s  %10.2f s  %8.3fx   %7.1f %7.1f MiB   %+.1f%% wall time\n", n, a, b, b / a, ak / 1024, bk / 1024, (b / a - 1) * 100
  }'
}

printf '%-22s %12s %12s %9s   %s\n' case "in-process" isolated ratio "peak RSS in / isolated"
read -r a ak < <(measure "$repeat" "$vocweek" --config "$work/vocweek.toml" thumbnail --jobs 2 --out "$work/out" "$work"/big/*.jpg)
read -r b bk < <(measure "$repeat" "$vocweek" --config "$work/vocweek.toml" thumbnail --isolated --jobs 2 --out "$work/out" "$work"/big/*.jpg)
row "12 MP photos" "$count" "$a" "$ak" "$b" "$bk" per-second
read -r a ak < <(measure "$repeat" "$vocweek" --config "$work/vocweek.toml" thumbnail --jobs 2 --out "$work/out" "$work"/tiny/*.jpg)
read -r b bk < <(measure "$repeat" "$vocweek" --config "$work/vocweek.toml" thumbnail --isolated --jobs 2 --out "$work/out" "$work"/tiny/*.jpg)
row "64x64 photos (start)" "$((count * 4))" "$a" "$ak" "$b" "$bk" per-second
read -r a ak < <(measure "$video_repeat" "$vocweek" --config "$work/vocweek.toml" transcode "$work/source.mp4" --out "$work/out")
read -r b bk < <(measure "$video_repeat" "$vocweek" --config "$work/vocweek.toml" transcode --isolated "$work/source.mp4" --out "$work/out")
row "${seconds} s 1080p video" 1 "$a" "$ak" "$b" "$bk" wall
echo
echo "ratio: photos per second isolated / in-process (goal >= 0.85); video wall time isolated / in-process (goal <= 1.05)"
