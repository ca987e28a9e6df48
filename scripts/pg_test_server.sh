#!/usr/bin/env bash
# Start a local PostgreSQL server for the store's tests and print its URL (make test, CI, new
# machines). Installs Debian's postgresql when missing (as root, unless EXTRACTOR_NO_SYSTEM_DEPS=1),
# lets local socket connections in without a password (a throwaway test server), starts the cluster
# and creates the database extractor_test. The URL is the README's form (no driver named).
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  if [ "${EXTRACTOR_NO_SYSTEM_DEPS:-0}" != 0 ]; then
    echo "postgresql missing and EXTRACTOR_NO_SYSTEM_DEPS=$EXTRACTOR_NO_SYSTEM_DEPS: not installed" >&2; exit 1
  fi
  if [ "$(id -u)" != 0 ]; then echo "postgresql missing and not root: apt-get install postgresql" >&2; exit 1; fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
clusters="$(pg_lsclusters -h || true)"
case "$clusters" in
  *"$version main"*) ;;
  *) pg_createcluster "$version" main >/dev/null ;;
esac
hba="/etc/postgresql/$version/main/pg_hba.conf"
if ! grep -q "extractor-test" "$hba"; then
  { echo "local all all trust  # extractor-test"; cat "$hba"; } > "$hba.new" && mv "$hba.new" "$hba"
fi
pg_ctlcluster "$version" main start >/dev/null 2>&1 || pg_ctlcluster "$version" main reload >/dev/null 2>&1
for _ in $(seq 1 30); do
  psql -U postgres -h /var/run/postgresql -d postgres -tAc "select 1" >/dev/null 2>&1 && break
  sleep 1
done
# no pipe into grep -q here: with pipefail, psql killed by SIGPIPE would fail the script at random
exists="$(psql -U postgres -h /var/run/postgresql -d postgres -tAc \
  "select 1 from pg_database where datname = 'extractor_test'")"
if [ "$exists" != 1 ]; then
  psql -U postgres -h /var/run/postgresql -d postgres -qc "create database extractor_test" >/dev/null
fi
echo "postgresql://postgres@/extractor_test?host=/var/run/postgresql"
