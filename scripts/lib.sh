# Shared by the project's scripts: the build cache outside the clone, and installing what is
# missing (and only what is missing) so a second run is fast.

# Cargo's target directory lives in a system cache folder unless the caller chose one.
if [ -z "${CARGO_TARGET_DIR:-}" ]; then
  if [ -w /var/cache ] || [ -w /var/cache/vocweek ]; then
    export CARGO_TARGET_DIR=/var/cache/vocweek/target
  else
    export CARGO_TARGET_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/vocweek/target"
  fi
fi
mkdir -p "$CARGO_TARGET_DIR"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the Debian packages that are not installed yet.
ensure_debian_packages() {
  local missing=()
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

ensure_rust() {
  if ! command -v cargo >/dev/null 2>&1; then
    echo "cargo is not installed: install Rust from https://rustup.rs first" >&2
    exit 1
  fi
}

# What the build compiles and links: a C/C++ toolchain (SQLite, ring, blake3, libwebp), cmake and
# nasm for the bundled libjpeg-turbo 3, the codecs the bundled libheif decodes HEIC/AVIF with,
# and FFmpeg's libraries (with clang for ffmpeg-sys-next's bindings) for video — not
# libavdevice: ffmpeg-next is built without its `device` feature.
ensure_build_tools() {
  ensure_debian_packages build-essential pkg-config cmake nasm \
    libde265-dev libx265-dev libaom-dev libdav1d-dev libnuma-dev \
    clang libclang-dev libavcodec-dev libavformat-dev libavutil-dev libavfilter-dev \
    libswscale-dev libswresample-dev
}

# The browser libraries the web queue serves (hls.js), from the npm registry at the versions
# the lockfile pins; build.rs compiles them into the binary, so this runs before cargo.
# npm ci in DIR when its node_modules do not match its lockfile (first run, or a dependency
# added since): a copy of the lockfile in node_modules records what was installed.
npm_ci_when_changed() {
  local dir="$1"
  command -v npm >/dev/null 2>&1 || ensure_debian_packages nodejs npm
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.installed-lock.json"; then
    say "npm ci ($dir)"
    (cd "$dir" && npm ci --no-audit --no-fund)
    cp "$dir/package-lock.json" "$dir/node_modules/.installed-lock.json"
  fi
}

ensure_web_vendor() {
  npm_ci_when_changed crates/vocweek-web/vendor
}

# docker/compose.yaml validated without a Docker engine (none runs on CI): `config` resolves
# the variables (with docker/.env.example) and checks the file against the Compose schema,
# failing on a syntax error, an unknown key or a bad value. The docker CLI's Compose plugin is
# used when it is there, otherwise Debian's docker-compose. garage-init.sh is parsed by sh.
check_compose() {
  local args=(-f docker/compose.yaml --env-file docker/.env.example config --quiet)
  if docker compose version >/dev/null 2>&1; then
    docker compose "${args[@]}"
  else
    command -v docker-compose >/dev/null 2>&1 || ensure_debian_packages docker-compose
    docker-compose "${args[@]}"
  fi
  sh -n docker/garage-init.sh
}
