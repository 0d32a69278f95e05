#!/usr/bin/env bash
# A single-node Garage (a real S3-compatible object store) for the tests and benchmarks.
#
#   scripts/garage.sh start   installs Garage when missing, starts it unless it already runs,
#                             and prints the VOCWEEK_TEST_S3_* settings as `export` lines
#   scripts/garage.sh stop    stops it (its data stays in the state directory)
#
# State (config, data, pid, the test key, the port) lives in $VOCWEEK_GARAGE_DIR (default
# /tmp/vocweek-garage). The S3 port is VOCWEEK_GARAGE_PORT, or else the first free one from
# 39900 in steps of 10 (RPC is +1, admin +3), so a developer's own Garage does not collide.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

GARAGE_VERSION=2.5.0
: "${VOCWEEK_GARAGE_DIR:=/tmp/vocweek-garage}"
BUCKET=vocweek-test
state="$VOCWEEK_GARAGE_DIR"
config="$state/garage.toml"

# Garage builds from crates.io into the cache folder beside cargo's target directory, once
# (about 7 minutes on 2 cores); only the SQLite metadata engine is compiled in.
ensure_garage() {
  GARAGE_ROOT="$(dirname "$CARGO_TARGET_DIR")/tools"
  GARAGE="$GARAGE_ROOT/bin/garage"
  if [ -x "$GARAGE" ] && "$GARAGE" --version 2>/dev/null | grep -qF "$GARAGE_VERSION"; then
    return 0
  fi
  say "installing Garage $GARAGE_VERSION (cargo install, once)"
  cargo install garage --version "$GARAGE_VERSION" --locked --quiet \
    --no-default-features --features bundled-libs,sqlite \
    --root "$GARAGE_ROOT" --target-dir "$(dirname "$CARGO_TARGET_DIR")/garage-build" >&2
}

g() { "$GARAGE" -c "$config" "$@"; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# The port this state directory uses: chosen once, then kept.
choose_port() {
  if [ -s "$state/port" ]; then
    VOCWEEK_GARAGE_PORT=$(cat "$state/port")
    return 0
  fi
  if [ -f "$config" ]; then
    # A state directory from before the port file: its config says which port it has.
    VOCWEEK_GARAGE_PORT=$(sed -n -E 's/^api_bind_addr = "127\.0\.0\.1:([0-9]+)"/\1/p' "$config" | head -n1)
  fi
  if [ -z "${VOCWEEK_GARAGE_PORT:-}" ]; then
    local base
    for base in $(seq 39900 10 40890); do
      if ! listening "$base" && ! listening $((base + 1)) && ! listening $((base + 3)); then
        VOCWEEK_GARAGE_PORT=$base
        break
      fi
    done
  fi
  [ -n "${VOCWEEK_GARAGE_PORT:-}" ] || { echo "no free port for Garage" >&2; exit 1; }
  mkdir -p "$state"
  echo "$VOCWEEK_GARAGE_PORT" >"$state/port"
}

running() {
  [ -f "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null &&
    g status >/dev/null 2>&1
}

print_settings() {
  echo "export VOCWEEK_TEST_S3_ENDPOINT=http://127.0.0.1:$VOCWEEK_GARAGE_PORT"
  echo "export VOCWEEK_TEST_S3_REGION=garage"
  echo "export VOCWEEK_TEST_S3_BUCKET=$BUCKET"
  echo "export VOCWEEK_TEST_S3_ACCESS_KEY_ID=$(sed -n 1p "$state/key")"
  echo "export VOCWEEK_TEST_S3_SECRET_ACCESS_KEY=$(sed -n 2p "$state/key")"
}

# Virtual-host addressing (`bucket.host/key`) needs the bucket's host name to reach Garage,
# whose root_domain is `.s3.garage.localhost`. glibc does not resolve `*.localhost` by itself,
# so the names go into /etc/hosts (root only; the vhost test says what to add otherwise).
ensure_virtual_host_names() {
  local names="s3.garage.localhost $BUCKET.s3.garage.localhost"
  getent hosts "$BUCKET.s3.garage.localhost" >/dev/null 2>&1 && return 0
  if [ -w /etc/hosts ]; then
    echo "127.0.0.1 $names" >>/etc/hosts
  else
    echo "note: add '127.0.0.1 $names' to /etc/hosts for the virtual-host test" >&2
  fi
}

start() {
  ensure_garage
  ensure_virtual_host_names
  choose_port
  if running && [ -s "$state/key" ]; then
    print_settings
    return 0
  fi
  mkdir -p "$state/meta" "$state/data"
  if [ ! -f "$config" ]; then
    cat >"$config" <<TOML
metadata_dir = "$state/meta"
data_dir = "$state/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:$((VOCWEEK_GARAGE_PORT + 1))"
rpc_public_addr = "127.0.0.1:$((VOCWEEK_GARAGE_PORT + 1))"
rpc_secret = "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:$VOCWEEK_GARAGE_PORT"
root_domain = ".s3.garage.localhost"

[admin]
api_bind_addr = "127.0.0.1:$((VOCWEEK_GARAGE_PORT + 3))"
TOML
  fi
  say "starting Garage on 127.0.0.1:$VOCWEEK_GARAGE_PORT ($state)"
  # setsid: the server outlives the script that started it (and a test binary's process group).
  setsid "$GARAGE" -c "$config" server >"$state/server.log" 2>&1 </dev/null &
  echo $! >"$state/pid"
  for _ in $(seq 1 60); do
    g status >/dev/null 2>&1 && break
    sleep 0.5
  done
  g status >/dev/null 2>&1 || { cat "$state/server.log" >&2; echo "Garage did not start" >&2; exit 1; }
  if [ ! -s "$state/key" ]; then
    local node
    node=$(g node id -q | cut -d@ -f1)
    g layout assign -z dc1 -c 1G "$node" >/dev/null
    g layout apply --version 1 >/dev/null
    g bucket create "$BUCKET" >/dev/null
    local created
    created=$(g key create vocweek-test)
    # "Key ID: GK…" and "Secret key: …" lines (Garage 2 prints them in a table of fields).
    echo "$created" | sed -n -E 's/.*Key ID:[[:space:]]*(GK[0-9a-f]+).*/\1/p' | head -n1 >"$state/key.new"
    echo "$created" | sed -n -E 's/.*Secret key:[[:space:]]*([0-9a-f]+).*/\1/p' | head -n1 >>"$state/key.new"
    if [ "$(grep -c . "$state/key.new")" != 2 ]; then
      echo "could not read the key Garage created:" >&2
      echo "$created" >&2
      exit 1
    fi
    g bucket allow --read --write --owner "$BUCKET" --key vocweek-test >/dev/null
    mv "$state/key.new" "$state/key"
  fi
  print_settings
}

stop() {
  if [ -f "$state/pid" ]; then
    kill "$(cat "$state/pid")" 2>/dev/null || true
    rm -f "$state/pid"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  install) ensure_garage ;;
  *) echo "usage: $0 start|stop|install" >&2; exit 2 ;;
esac
