#!/usr/bin/env bash
# Queue latency at 100,000 items: seeds them on SQLite (embedded default) and on PostgreSQL,
# then times the web queue page and the JSON listing under several filters (p50/p95 of
# VOCWEEK_BENCH_REQUESTS sequential requests each, default 200) against a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
source scripts/postgres.sh
ensure_rust
ensure_build_tools
ensure_postgres
requests=${VOCWEEK_BENCH_REQUESTS:-200}
say "building release binaries"
cargo build --release --locked -p vocweek -p vocweek-bench
bin="$CARGO_TARGET_DIR/release"
work=$(mktemp -d -p "${VOCWEEK_BENCH_DIR:-/var/tmp}" vocweek-queue.XXXXXX)
server=
pg_db="vocweek_bench_$$"
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  psql "$VOCWEEK_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bench_on() {
  local label=$1 url=$2 port=$((20000 + RANDOM % 20000))
  export VOCWEEK_DATABASE_URL=$url VOCWEEK_LOG_LEVEL=warn
  "$bin/vocweek" --data-dir "$work/$label" unit add --name bench --kind city_bureau --city jinan >/dev/null 2>&1
  echo "a long bench password" | "$bin/vocweek" --data-dir "$work/$label" user add --username bench --role editor --desk edu --password-stdin >/dev/null
  "$bin/vocweek" --data-dir "$work/$label" serve --listen "127.0.0.1:$port" >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  echo "== $label, 100,000 items"
  "$bin/queue-latency" "http://127.0.0.1:$port" "$url" bench "a long bench password" "$requests"
  kill "$server"; wait "$server" 2>/dev/null || true; server=
}

mkdir -p "$work/sqlite"
bench_on sqlite "sqlite://$work/sqlite/vocweek.db?mode=rwc"
psql "$VOCWEEK_TEST_POSTGRES_URL" -qc "CREATE DATABASE $pg_db" >/dev/null
bench_on postgres "${VOCWEEK_TEST_POSTGRES_URL%/*}/$pg_db"
