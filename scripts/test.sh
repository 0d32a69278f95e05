#!/usr/bin/env bash
# The whole test suite, on a fresh machine or a warm one: installs what is missing, then runs
# formatting and lint checks and every test (each end-to-end test on SQLite AND PostgreSQL).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
source scripts/postgres.sh

ensure_rust
ensure_build_tools
ensure_postgres
drop_test_databases
# Article tests convert documents with LibreOffice Writer; the statistics export test reads
# our Excel file back with LibreOffice Calc (soffice --convert-to csv).
ensure_debian_packages libreoffice-writer-nogui libreoffice-calc-nogui
# ImageMagick writes the AVIF test picture. Asked of dpkg, not of the PATH: a machine may have a
# `convert` stand-in that is not ImageMagick.
ensure_debian_packages imagemagick
# qpdf encrypts the test PDFs (owner-only AES-128/256, a user password).
command -v qpdf >/dev/null 2>&1 || ensure_debian_packages qpdf
# The ffmpeg and ffprobe CLIs make the video tests' inputs and check what we produce.
command -v ffprobe >/dev/null 2>&1 || ensure_debian_packages ffmpeg
# Browser tests: Debian's Chromium driven by playwright-core; tus-js-client for the resumable
# upload tests (npm, both pinned by the lockfile).
command -v chromium >/dev/null 2>&1 || ensure_debian_packages chromium fonts-noto-cjk
npm_ci_when_changed tests/browser
ensure_web_vendor
command -v python3 >/dev/null 2>&1 || ensure_debian_packages python3 python3-pip
pip_install_when_missing() {
  local module="$1" requirement="$2"
  python3 -c "import $module" 2>/dev/null && return 0
  # Debian's own Python refuses pip outside a venv (PEP 668); this project's machines have their own.
  python3 -m pip install --quiet --disable-pip-version-check "$requirement" ||
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "$requirement"
}
# tuspy, the Python tus client of the resumable upload tests; standardwebhooks, the reference
# library the webhook tests' receiver verifies signatures with (both from PyPI).
pip_install_when_missing tusclient tuspy==1.1.0
pip_install_when_missing standardwebhooks standardwebhooks==1.0.0
# aiosmtpd, the SMTP server the notices' tests mail to (tests/clients/smtp_sink.py).
pip_install_when_missing aiosmtpd aiosmtpd==1.4.6
# schemathesis, which fuzzes the API from its OpenAPI document (tests/tests/api_fuzz.rs).
pip_install_when_missing schemathesis schemathesis==4.32.5

# The S3 backend's tests run against a real Garage server: a fresh one for this run, stopped
# (and its data removed) however the run ends.
export VOCWEEK_GARAGE_DIR="${VOCWEEK_GARAGE_DIR:-$(mktemp -d /tmp/vocweek-garage.XXXXXX)}"
trap './scripts/garage.sh stop; rm -rf "$VOCWEEK_GARAGE_DIR"' EXIT
garage_settings=$(./scripts/garage.sh start)
eval "$garage_settings"

say "docker/compose.yaml (compose config, no engine)"
check_compose
say "cargo fmt --check"
cargo fmt --all -- --check
say "cargo clippy -D warnings (target: $CARGO_TARGET_DIR)"
cargo clippy --workspace --all-targets --locked -- -D warnings
say "cargo test"
cargo test --workspace --locked -- --test-threads "${VOCWEEK_TEST_THREADS:-4}"
drop_test_databases
say "all tests passed"
