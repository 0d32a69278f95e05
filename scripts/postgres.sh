# Makes sure a PostgreSQL server answers on VOCWEEK_TEST_POSTGRES_URL (default: the local
# server on 127.0.0.1:5432 as user postgres): starts the installed one, or installs Debian's.

: "${VOCWEEK_TEST_POSTGRES_URL:=postgres://postgres@127.0.0.1:5432/postgres}"
export VOCWEEK_TEST_POSTGRES_URL

postgres_answers() {
  command -v psql >/dev/null 2>&1 && psql "$VOCWEEK_TEST_POSTGRES_URL" -tAc 'SELECT 1' >/dev/null 2>&1
}

ensure_postgres() {
  postgres_answers && return 0
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    ensure_debian_packages postgresql postgresql-client
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    # A fresh Debian server only trusts local socket peers; the tests connect over TCP.
    as_root sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' \
      "/etc/postgresql/$version/main/pg_hba.conf"
  fi
  local version
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  say "starting PostgreSQL $version"
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do
    postgres_answers && return 0
    sleep 1
  done
  echo "PostgreSQL does not answer on $VOCWEEK_TEST_POSTGRES_URL" >&2
  exit 1
}

# Drops the databases earlier test runs left behind (a killed run cannot clean up).
drop_test_databases() {
  psql "$VOCWEEK_TEST_POSTGRES_URL" -tAc \
    "SELECT datname FROM pg_database WHERE datname LIKE 'vocweek\_t\_%'" 2>/dev/null |
    while read -r name; do
      # WITH (FORCE): a killed test process may have left its connections behind.
      [ -n "$name" ] && psql "$VOCWEEK_TEST_POSTGRES_URL" -qc \
        "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" </dev/null >/dev/null 2>&1
    done || true
  return 0
}
