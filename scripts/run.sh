#!/usr/bin/env bash
# Runs the service on its embedded default: SQLite + local files in ./vocweek-data, workers in
# the same process, http://127.0.0.1:8080. Extra arguments go to `vocweek serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
ensure_rust
ensure_build_tools
ensure_web_vendor
cargo build --release --locked -p vocweek
exec "$CARGO_TARGET_DIR/release/vocweek" serve "$@"
