#!/usr/bin/env bash
# Thumbnail benchmark: thumb (320 px WebP q80) + preview (1280 px progressive JPEG q82) for a set
# of 12 MP JPEGs generated with ImageMagick plus the corpus JPEGs, made by
#   vocweek     `vocweek thumbnail FILE --out DIR --jobs 1` (the job's code path, one decode)
#   vips        `vipsthumbnail` twice (one per size, same qualities, metadata stripped)
#   magick      `convert` once with -thumbnail for both sizes
#   decode      `djpeg` of the full image (the decode floor)
# one image at a time, each command VOCWEEK_BENCH_REPEAT times (default 5); prints the median
# wall time per image, the ratios and each tool's peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_rust
ensure_build_tools
ensure_debian_packages libvips-tools imagemagick libjpeg-turbo-progs time webp ffmpeg

repeat=${VOCWEEK_BENCH_REPEAT:-5}
count=${VOCWEEK_BENCH_IMAGES:-6}
say "building the release binary"
cargo build --release --locked -p vocweek
vocweek="$CARGO_TARGET_DIR/release/vocweek"

work=$(mktemp -d -p "${VOCWEEK_BENCH_DIR:-/var/tmp}" vocweek-thumbs.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in" "$work/out"

say "generating $count 12 MP JPEGs with ImageMagick"
for i in $(seq 1 "$count"); do
  convert -seed "$i" -size 4000x3000 plasma:fractal -blur 0x1 -quality 90 "$work/in/generated_$i.jpg"
done
corpus="${VOCWEEK_CORPUS_DIR:-../shared/corpus}"
for f in camera/jolla.jpg camera/iphone_hdr_YES.jpg camera/HMD_Nokia_8.3_5G.jpg camera/DSCN0010.jpg; do
  [ -f "$corpus/$f" ] && cp "$corpus/$f" "$work/in/"
done

# run TOOL FILE: prints "<seconds> <peak KiB>" of one run.
run() {
  local tool=$1 file=$2 name start end
  name=$(basename "${file%.*}")
  start=$EPOCHREALTIME
  case $tool in
    vocweek) /usr/bin/time -f %M -o "$work/rss" "$vocweek" thumbnail "$file" --out "$work/out" --jobs 1 >/dev/null ;;
    vips) /usr/bin/time -f %M -o "$work/rss" sh -c "vipsthumbnail '$file' -s 1280 -o '$work/out/${name}_p.jpg[Q=82,strip,interlace]' && vipsthumbnail '$file' -s 320 -o '$work/out/${name}_t.webp[Q=80,strip]'" ;;
    magick) /usr/bin/time -f %M -o "$work/rss" convert "$file" -auto-orient -strip -thumbnail 1280x1280 -quality 82 -interlace JPEG -write "$work/out/${name}_m.jpg" -thumbnail 320x320 -quality 80 "$work/out/${name}_m.webp" ;;
    decode) /usr/bin/time -f %M -o "$work/rss" djpeg -outfile /dev/null "$file" ;;
  esac
  end=$EPOCHREALTIME
  echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", b - a }') $(tail -n 1 "$work/rss")"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

tools=(vocweek vips magick decode)
declare -A total peak
for tool in "${tools[@]}"; do total[$tool]=0; peak[$tool]=0; done
printf '%-28s %10s %10s %10s %10s   (median ms of %d runs)\n' image vocweek vips magick djpeg "$repeat"
for file in "$work"/in/*.jpg; do
  line=$(printf '%-28s' "$(basename "$file")")
  for tool in "${tools[@]}"; do
    : > "$work/times"
    for _ in $(seq 1 "$repeat"); do
      read -r seconds kib < <(run "$tool" "$file")
      echo "$seconds" >> "$work/times"
      [ "$kib" -gt "${peak[$tool]}" ] && peak[$tool]=$kib
    done
    ms=$(median < "$work/times" | awk '{ printf "%.1f", $1 * 1000 }')
    total[$tool]=$(awk -v a="${total[$tool]}" -v b="$ms" 'BEGIN { print a + b }')
    line+=$(printf ' %10s' "$ms")
  done
  echo "$line"
done
echo
for tool in "${tools[@]}"; do
  printf '%-8s total %9.1f ms   peak RSS %7.1f MiB\n' "$tool" "${total[$tool]}" "$(awk -v k="${peak[$tool]}" 'BEGIN { print k / 1024 }')"
done
awk -v v="${total[vocweek]}" -v s="${total[vips]}" -v m="${total[magick]}" -v d="${total[decode]}" 'BEGIN {
  printf "\nvocweek / vipsthumbnail: %.2fx (goal <= 0.5x)\n", v / s
  printf "vocweek / ImageMagick:   %.2fx\n", v / m
  printf "vocweek / djpeg floor:   %.2fx (goal <= 1.5x)\n", v / d
}'

# The service keeps its photo children for many photos (the process start, ~70 ms with FFmpeg's
# libraries, is paid once per child): the same files in ONE `vocweek thumbnail` process, median
# of the repeats, against the djpeg floor's total.
: > "$work/times"
for _ in $(seq 1 "$repeat"); do
  start=$EPOCHREALTIME
  "$vocweek" thumbnail "$work"/in/*.jpg --out "$work/out" --jobs 1 >/dev/null
  end=$EPOCHREALTIME
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f\n", b - a }' >> "$work/times"
done
one_process=$(median < "$work/times" | awk '{ printf "%.1f", $1 * 1000 }')
echo
awk -v v="$one_process" -v d="${total[decode]}" 'BEGIN {
  printf "vocweek, all files in one process: %.1f ms; / djpeg floor: %.2fx (goal <= 1.5x)\n", v, v / d
}'

# The quality guard of shrink-on-load: each preview against the one the same code makes from a
# full-size decode (`--full-decode`), by FFmpeg's SSIM filter (all planes). Both at JPEG quality
# 100: two separate q82 encodes differ by their own quantisation far more than the two resizes
# do (even decoding at 6/8 measured only 0.993 that way), which would hide what is measured.
printf '[photos]\npreview_quality = 100\n' > "$work/q100.toml"
echo
"$vocweek" --config "$work/q100.toml" thumbnail "$work"/in/*.jpg --out "$work/full" --jobs 1 --full-decode >/dev/null
"$vocweek" --config "$work/q100.toml" thumbnail "$work"/in/*.jpg --out "$work/shrunk" --jobs 1 >/dev/null
worst=1
for file in "$work"/in/*.jpg; do
  name=$(basename "${file%.*}")
  ssim=$(ffmpeg -hide_banner -nostats -i "$work/shrunk/$name.preview.jpg" -i "$work/full/$name.preview.jpg" \
    -lavfi ssim -f null - 2>&1 | sed -n 's/.* All:\([0-9.]*\).*/\1/p')
  if [ -z "$ssim" ]; then
    echo "no SSIM for $name: ffmpeg could not compare the previews" >&2
    exit 1
  fi
  printf 'SSIM %-28s %s\n' "$name" "$ssim"
  worst=$(awk -v a="$worst" -v b="$ssim" 'BEGIN { print (b < a ? b : a) }')
done
awk -v w="$worst" 'BEGIN { printf "preview SSIM (q100), shrink-on-load against full decode: worst %s (goal >= 0.995) %s\n", w, (w >= 0.995 ? "PASS" : "MISS") }'
