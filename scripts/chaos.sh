#!/usr/bin/env bash
# The long fault-injection run (`make chaos`): the hostile-file set, then kill -9 of the API and
# of a worker for VOCWEEK_CHAOS_ROUNDS rounds (default 20) of VOCWEEK_CHAOS_UPLOADS uploads
# (default 50, multipart and tus), a full staging disk, PostgreSQL stopped mid-run, the S3
# store (Garage) stopped for VOCWEEK_CHAOS_STORE_OUTAGE_SECONDS (default 30), and
# VOCWEEK_CHAOS_LOAD_SECONDS (default 60) of load by VOCWEEK_CHAOS_UPLOADERS (default 50)
# uploaders and 200 reads/s, on SQLite and PostgreSQL, against the release binary. Everything runs on
# 127.0.0.1; the PostgreSQL case restarts the local server. Prints the summary table that
# RELIABILITY.md keeps. `make test` runs the same tests with short settings.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
source scripts/postgres.sh
ensure_rust
ensure_build_tools
ensure_postgres
command -v ffprobe >/dev/null 2>&1 || ensure_debian_packages ffmpeg
say "building the release binary (the processes under test)"
cargo build --release --locked -p vocweek
export VOCWEEK_TEST_BIN="$CARGO_TARGET_DIR/release/vocweek"
export VOCWEEK_CHAOS_UPLOADERS=${VOCWEEK_CHAOS_UPLOADERS:-50}
export VOCWEEK_CHAOS_ROUNDS=${VOCWEEK_CHAOS_ROUNDS:-20}
export VOCWEEK_CHAOS_UPLOADS=${VOCWEEK_CHAOS_UPLOADS:-50}
export VOCWEEK_CHAOS_LOAD_SECONDS=${VOCWEEK_CHAOS_LOAD_SECONDS:-60}
export VOCWEEK_CHAOS_STORE_OUTAGE_SECONDS=${VOCWEEK_CHAOS_STORE_OUTAGE_SECONDS:-30}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
say "chaos: $VOCWEEK_CHAOS_ROUNDS rounds of $VOCWEEK_CHAOS_UPLOADS uploads, ${VOCWEEK_CHAOS_LOAD_SECONDS} s of load"
timeout 5400 cargo test --locked -p vocweek --test hostile_files --test chaos -- --nocapture --test-threads 1 2>&1 | tee "$log"
echo
echo "| case | runs | accepted | lost | stuck | crashes | max API RSS | notes |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
# A row may share its line with libtest's "test … ..." prefix.
grep -oE '\| [A-Za-z].*\|$' "$log" || true
