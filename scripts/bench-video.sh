#!/usr/bin/env bash
# Video benchmark: a generated 1080p30 input (VOCWEEK_BENCH_SECONDS, default 60 s) to the
# 1080p/720p/360p HLS ladder plus the 720p MP4 download, made by
#   vocweek   `vocweek --config FILE transcode SOURCE --out DIR` (the job's code path: one
#             decode, one libx264 encoder per rung, one AAC encoder)
#   cli       one ffmpeg process doing the same: split filter, three libx264 encoders with the
#             same preset, CRF, GOP and VBV cap, one AAC encoder, the tee muxer for the outputs
#   runs      three ffmpeg processes one after another, one per rendition (as PeerTube does)
# Prints wall and CPU time and peak RSS per tool, each rendition's bitrate and SSIM against the
# source (ffmpeg's ssim filter) for vocweek and cli, and PASS/MISS against the goals (informative:
# the script exits 0 either way). That source (CRF 18, ~20 Mbit/s) is over the 1080p rung's
# bitrate cap, so vocweek encodes every rung: the comparison is of equal work.
# With VOCWEEK_BENCH_PASSTHROUGH=1 (default) it then runs the top-rung passthrough case: a 1080p30
# source as OBS records it (H.264 5 Mbit/s CBR, a keyframe every 2 s), which vocweek copies into
# the 1080p rung and encodes the rest around, against the same one-process CLI full ladder.
# With VOCWEEK_BENCH_LONG=1 (default) it also compares vocweek's peak RSS on a 10-minute and a
# 60 s input (640x360, so it stays quick).
#   VOCWEEK_BENCH_SECONDS (default 60), VOCWEEK_BENCH_PASSTHROUGH (default 1),
#   VOCWEEK_BENCH_LONG (default 1), VOCWEEK_BENCH_LONG_SECONDS (default 600),
#   VOCWEEK_BENCH_DIR (default /var/tmp),
#   VOCWEEK_BIN (an existing vocweek binary; skips the cargo build)
set -euo pipefail
# Resolved before the cd below so a path relative to the caller's directory still works.
vocweek=${VOCWEEK_BIN:+$(realpath "$VOCWEEK_BIN")}
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_debian_packages ffmpeg time

seconds=${VOCWEEK_BENCH_SECONDS:-60}
passthrough=${VOCWEEK_BENCH_PASSTHROUGH:-1}
long=${VOCWEEK_BENCH_LONG:-1}
long_seconds=${VOCWEEK_BENCH_LONG_SECONDS:-600}
fps=30

# The ladder, largest first; the pixel sizes are what vocweek's ladder gives a 16:9 source.
rungs=(1080p 720p 360p)
declare -A width=([1080p]=1920 [720p]=1280 [360p]=640)
declare -A height=([1080p]=1080 [720p]=720 [360p]=360)
download_rung=720p

if [ -z "$vocweek" ]; then
  ensure_rust
  ensure_build_tools
  say "building the release binary"
  cargo build --release --locked -p vocweek
  vocweek="$CARGO_TARGET_DIR/release/vocweek"
fi

# The tee muxer's option syntax reserves : | [ ] in paths, so VOCWEEK_BENCH_DIR must not hold them.
work=$(mktemp -d -p "${VOCWEEK_BENCH_DIR:-/var/tmp}" vocweek-video.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The settings vocweek is run with; the ffmpeg command lines below spell out the same ones.
cat > "$work/vocweek.toml" <<'EOF'
[video]
rungs = [1080, 720, 360]
preset = "veryfast"
crf = 23
EOF

# generate SIZE SECONDS FILE: testsrc2 with light temporal grain and a 440 Hz tone. Plain
# testsrc2 is unrealistically predictable; alls=2 grain gives ~5-6 Mbit/s at 1080p veryfast CRF
# 23 (under the 6.75 Mbit/s VBV cap). The source is near-lossless (CRF 18) so SSIM measures our
# encodes, not the source's, and keyframed every 2 s like a camera file.
generate() {
  local size=$1 duration=$2 file=$3
  ffmpeg -hide_banner -nostdin -loglevel error -y \
    -f lavfi -i "testsrc2=size=$size:rate=$fps,noise=alls=2:allf=t+u" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$duration" \
    -map 0:v -map 1:a -c:v libx264 -preset ultrafast -crf 18 -g 60 -pix_fmt yuv420p \
    -c:a aac -b:a 128k -ac 2 -movflags +faststart "$file"
}

# generate_obs SECONDS FILE: a 1080p30 source as OBS records it by default: x264 veryfast at
# 5 Mbit/s CBR (HRD CBR, a 1 s buffer), a keyframe every 2 s and never at scene cuts, yuv420p, AAC;
# the same grain as `generate`. It is what vocweek's top-rung passthrough copies (within the
# 1080p rung's 6.75 Mbit/s cap, constant 30 fps, IDR keyframes 2 s apart).
generate_obs() {
  local duration=$1 file=$2
  ffmpeg -hide_banner -nostdin -loglevel error -y \
    -f lavfi -i "testsrc2=size=1920x1080:rate=$fps,noise=alls=2:allf=t+u" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" -t "$duration" \
    -map 0:v -map 1:a -c:v libx264 -preset veryfast -b:v 5M -maxrate 5M -bufsize 5M \
    -x264-params nal-hrd=cbr -g 60 -keyint_min 60 -sc_threshold 0 -pix_fmt yuv420p \
    -c:a aac -b:a 128k -ac 2 "$file"
}

duration_of() { ffprobe -v error -show_entries format=duration -of csv=p=0 "$1"; }

# copied LABEL: whether vocweek's run LABEL copied the source into the top rung (its JSON facts).
copied() { grep -q '"top_rung_passthrough": true' "$work/$1.log"; }

# x264_params RUNG: vocweek's per-rung x264 settings. Keyframes every 2 s at the same instants in
# every rung, closed GOPs, CRF capped by VBV at ~3 Mbit/s for 720p scaled by area (buffer 2 s).
x264_params() {
  local w=${width[$1]} h=${height[$1]} rate
  rate=$((w * h * 3000000 / (1280 * 720)))
  rate=$(( (rate > 400000 ? rate : 400000) / 1000 ))
  echo "keyint=60:min-keyint=60:scenecut=0:open-gop=0:vbv-maxrate=$rate:vbv-bufsize=$((rate * 2))"
}

# scale_chain RUNG: vocweek's per-rung scaler.
scale_chain() { echo "scale=${width[$1]}:${height[$1]}:flags=bicubic,setsar=1,format=yuv420p"; }

# Before the split in vocweek's graph; both are no-ops on this progressive CFR input but cost a
# little, so the CLI runs carry them too.
pre_chain="yadif=mode=send_frame:parity=auto:deint=interlaced,fps=fps=$fps/1:start_time=0"

# Encoder options shared by every rung and the audio encoder, as vocweek sets them.
video_args=(-c:v libx264 -preset veryfast -crf 23 -profile:v high -g 60)
audio_args=(-c:a aac -b:a 128k -ar 48000 -ac 2)

# hls_slave RUNG DIR: tee-muxer options for one HLS rendition, as vocweek's HLS output sets them.
hls_slave() {
  echo "f=hls:hls_time=6:hls_playlist_type=vod:hls_list_size=0:hls_segment_type=mpegts:hls_flags=independent_segments:hls_segment_filename=$2/$1_%05d.ts"
}

# timed LABEL COMMAND…: runs COMMAND under /usr/bin/time; its output goes to LABEL.log and
# "wall user sys peakKiB" to LABEL.time. Not called in a subshell, so a failure stops the script.
timed() {
  local label=$1
  shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/$label.time" "$@" > "$work/$label.log" 2>&1 \
    || { tail -n 20 "$work/$label.log" >&2; echo "$label failed" >&2; exit 1; }
}

# measured LABEL: the last line of LABEL.time (time writes a note above it if the command failed).
measured() { tail -n 1 "$work/$1.time"; }

# The ladder by vocweek itself; its JSON facts land in LABEL.log.
run_vocweek() {
  local label=$1 input=$2 out=$3
  timed "$label" "$vocweek" --config "$work/vocweek.toml" transcode "$input" --out "$out"
}

# The ladder in one ffmpeg process: decode once, split, three encoders and one AAC encoder, and
# the tee muxer writing each encoded stream to its HLS rendition and the 720p one also to the
# faststart MP4 download: the same packets to the same outputs as vocweek, with no re-encode.
# (vocweek also writes master.m3u8, poster.jpg and thumb.webp; those cost milliseconds and
# are left out here, which if anything flatters the CLI.)
run_cli() {
  local input=$1 out=$2 label=${3:-cli} graph maps=() params=() slaves=() i=0 rung
  mkdir -p "$out"
  graph="[0:v:0]$pre_chain,split=${#rungs[@]}"
  for i in "${!rungs[@]}"; do graph+="[s$i]"; done
  for i in "${!rungs[@]}"; do
    rung=${rungs[$i]}
    graph+=";[s$i]$(scale_chain "$rung")[v$i]"
    maps+=(-map "[v$i]")
    params+=("-x264-params:v:$i" "$(x264_params "$rung")")
    slaves+=("[select=\\'v:$i,a\\':$(hls_slave "$rung" "$out")]$out/$rung.m3u8")
    if [ "$rung" = "$download_rung" ]; then
      slaves+=("[select=\\'v:$i,a\\':f=mp4:movflags=+faststart]$out/download.mp4")
    fi
  done
  local IFS='|'
  timed "$label" ffmpeg -hide_banner -nostdin -nostats -y -i "$input" -filter_complex "$graph" \
    "${maps[@]}" -map 0:a:0 "${video_args[@]}" "${params[@]}" "${audio_args[@]}" \
    -f tee "${slaves[*]}"
}

# One rendition per ffmpeg process, PeerTube style: each run decodes the whole source again.
# The 720p run also writes the MP4 download through the tee muxer (no extra encode), so the three
# runs make the same files as the one-process run and are not charged for a fourth transcode.
run_separate() {
  local input=$1 out=$2 rung output
  mkdir -p "$out"
  for rung in "${rungs[@]}"; do
    output="[$(hls_slave "$rung" "$out")]$out/$rung.m3u8"
    if [ "$rung" = "$download_rung" ]; then
      output+="|[f=mp4:movflags=+faststart]$out/download.mp4"
    fi
    timed "runs-$rung" ffmpeg -hide_banner -nostdin -nostats -y -i "$input" \
      -map 0:v:0 -map 0:a:0 -vf "$pre_chain,$(scale_chain "$rung")" \
      "${video_args[@]}" -x264-params "$(x264_params "$rung")" "${audio_args[@]}" \
      -f tee "$output"
  done
}

# bitrate DIR RUNG: kbit/s of the rendition's segments (video, audio and TS overhead, as a
# player downloads them) over the source's duration.
bitrate() {
  cat "$1/$2"_*.ts | wc -c | awk -v d="$duration" '{ printf "%.0f", $1 * 8 / d / 1000 }'
}

# ssim DIR RUNG: the rendition against the source scaled to the rendition's size, the "All"
# figure. Both start at 0 so frames pair up by timestamp (the HLS TS starts at 1.4 s).
ssim() {
  local rung=$2
  ffmpeg -hide_banner -nostdin -nostats -i "$1/$rung.m3u8" -i "$input" -an -lavfi \
    "[0:v]setpts=PTS-STARTPTS[dist];[1:v]setpts=PTS-STARTPTS,scale=${width[$rung]}:${height[$rung]}:flags=bicubic[ref];[dist][ref]ssim" \
    -f null - 2>&1 | sed -n 's/.*SSIM .* All:\([0-9.]*\).*/\1/p'
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

# goal LABEL VALUE LIMIT: a ratio against its ceiling.
goal() {
  awk -v l="$1" -v v="$2" -v g="$3" \
    'BEGIN { printf "%-36s %6.3fx  (goal <= %sx)  %s\n", l, v, g, (v <= g ? "PASS" : "MISS") }'
}

input="$work/source.mp4"
say "generating a ${seconds} s 1080p30 source"
generate 1920x1080 "$seconds" "$input"
duration=$(duration_of "$input")

# record TOOL LABEL…: the tool's wall and CPU (user + sys) seconds are the sums over its
# processes' runs, its peak RSS the largest (for the three runs: the biggest rendition's).
declare -A wall cpu rss
record() {
  local tool=$1 label w u s k
  shift
  wall[$tool]=0 cpu[$tool]=0 rss[$tool]=0
  for label in "$@"; do
    read -r w u s k < <(measured "$label")
    wall[$tool]=$(awk -v a="${wall[$tool]}" -v b="$w" 'BEGIN { print a + b }')
    cpu[$tool]=$(awk -v a="${cpu[$tool]}" -v u="$u" -v s="$s" 'BEGIN { print a + u + s }')
    if [ "$k" -gt "${rss[$tool]}" ]; then rss[$tool]=$k; fi
  done
}

say "vocweek transcode"
run_vocweek vocweek "$input" "$work/out/vocweek"
record vocweek vocweek
if copied vocweek; then
  echo "note: vocweek copied this source into the 1080p rung: the comparison below is not of equal work" >&2
fi
say "ffmpeg CLI, one process"
run_cli "$input" "$work/out/cli"
record cli cli
say "ffmpeg CLI, one run per rendition"
run_separate "$input" "$work/out/runs"
record runs "${rungs[@]/#/runs-}"

say "measuring SSIM against the source (slow at 1080p)"
declare -A rate quality
for tool in vocweek cli; do
  for rung in "${rungs[@]}"; do
    rate[$tool,$rung]=$(bitrate "$work/out/$tool" "$rung")
    quality[$tool,$rung]=$(ssim "$work/out/$tool" "$rung")
  done
done

echo
echo "source: $(ffprobe -v error -select_streams v:0 -show_entries stream=width,height,r_frame_rate -of csv=p=0 "$input"), ${duration} s, $(stat -c %s "$input" | awk -v d="$duration" '{ printf "%.1f", $1 * 8 / d / 1e6 }') Mbit/s; $(nproc) cores; $(ffmpeg -version | head -n 1 | cut -d' ' -f1-3)"
echo
printf '%-10s %9s %9s %14s\n' tool "wall s" "CPU s" "peak RSS MiB"
for tool in vocweek cli runs; do
  printf '%-10s %9.2f %9.2f %14s\n' "$tool" "${wall[$tool]}" "${cpu[$tool]}" "$(mib "${rss[$tool]}")"
done
echo
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { print a / b }'; }
goal "wall vocweek / cli one process" "$(ratio "${wall[vocweek]}" "${wall[cli]}")" 1.05
goal "wall vocweek / three runs" "$(ratio "${wall[vocweek]}" "${wall[runs]}")" 0.6
goal "peak RSS vocweek / cli one process" "$(ratio "${rss[vocweek]}" "${rss[cli]}")" 1.0
printf '%-36s %6.3fx\n' "peak RSS vocweek / three runs" "$(ratio "${rss[vocweek]}" "${rss[runs]}")"

echo
# Goal: SSIM no more than 0.005 below the CLI's (higher is fine) at equal or lower bitrate.
printf '%-6s %13s %13s %10s %10s %9s\n' rung "vocweek kb/s" "cli kb/s" "vocweek" "cli" "SSIM diff"
for rung in "${rungs[@]}"; do
  awk -v r="$rung" -v bv="${rate[vocweek,$rung]}" -v bc="${rate[cli,$rung]}" \
    -v sv="${quality[vocweek,$rung]}" -v sc="${quality[cli,$rung]}" 'BEGIN {
      pass = (sv >= sc - 0.005 && bv <= bc)
      printf "%-6s %13d %13d %10.5f %10.5f %+9.5f  %s\n", r, bv, bc, sv, sc, sv - sc, (pass ? "PASS" : "MISS")
    }'
done

if [ "$passthrough" = 1 ]; then
  say "top-rung passthrough: a ${seconds} s 1080p30 source as OBS records it (5 Mbit/s CBR, 2 s keyframes)"
  generate_obs "$seconds" "$work/obs.mp4"
  run_vocweek pass-vocweek "$work/obs.mp4" "$work/out/pass-vocweek"
  record pass-vocweek pass-vocweek
  # The same one-process full ladder as above: the CLI encodes the 1080p rung too.
  run_cli "$work/obs.mp4" "$work/out/pass-cli" pass-cli
  record pass-cli pass-cli
  echo
  echo "passthrough source: $(stat -c %s "$work/obs.mp4" | awk -v d="$(duration_of "$work/obs.mp4")" '{ printf "%.1f", $1 * 8 / d / 1e6 }') Mbit/s"
  if copied pass-vocweek; then
    echo "vocweek copied the source into the 1080p rung (top_rung_passthrough: true)"
  else
    echo "vocweek did NOT copy the source (top_rung_passthrough: false): the ratio below measures the full encode" >&2
  fi
  printf '%-18s %9s %9s %14s\n' tool "wall s" "CPU s" "peak RSS MiB"
  for tool in pass-vocweek pass-cli; do
    printf '%-18s %9.2f %9.2f %14s\n' "$tool" "${wall[$tool]}" "${cpu[$tool]}" "$(mib "${rss[$tool]}")"
  done
  goal "wall vocweek passthrough / cli ladder" "$(ratio "${wall[pass-vocweek]}" "${wall[pass-cli]}")" 0.6
  printf '%-36s %6.3fx\n' "peak RSS vocweek passthrough / cli" "$(ratio "${rss[pass-vocweek]}" "${rss[pass-cli]}")"
fi

if [ "$long" = 1 ]; then
  say "peak RSS on a ${long_seconds} s and a ${seconds} s 640x360 source (vocweek only)"
  generate 640x360 "$seconds" "$work/short360.mp4"
  generate 640x360 "$long_seconds" "$work/long360.mp4"
  run_vocweek short360 "$work/short360.mp4" "$work/out/short360"
  run_vocweek long360 "$work/long360.mp4" "$work/out/long360"
  read -r _ _ _ short_kib < <(measured short360)
  read -r _ _ _ long_kib < <(measured long360)
  echo
  printf 'vocweek peak RSS, 640x360: %s s %s MiB, %s s %s MiB\n' \
    "$seconds" "$(mib "$short_kib")" "$long_seconds" "$(mib "$long_kib")"
  goal "peak RSS ${long_seconds} s / ${seconds} s" "$(ratio "$long_kib" "$short_kib")" 1.1
fi
