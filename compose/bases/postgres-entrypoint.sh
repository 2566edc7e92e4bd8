#!/bin/bash
# Stand-in for the postgres image's entrypoint, the part the compose files use: on an empty PGDATA,
# initdb with POSTGRES_USER and the password in POSTGRES_PASSWORD_FILE, create POSTGRES_DB, run
# /docker-entrypoint-initdb.d/*.sh and *.sql once; then run the command (`postgres ...`).
set -euo pipefail
if [ "${1:-}" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  : "${POSTGRES_USER:=postgres}" "${POSTGRES_DB:=$POSTGRES_USER}"
  pwfile="${POSTGRES_PASSWORD_FILE:?POSTGRES_PASSWORD_FILE is required}"
  initdb --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
  export POSTGRES_USER POSTGRES_DB
  if [ "$POSTGRES_DB" != postgres ]; then
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres -c "create database \"$POSTGRES_DB\"" >/dev/null
  fi
  for f in /docker-entrypoint-initdb.d/*; do
    case "$f" in
      *.sh) echo "init: $f"; bash "$f" ;;
      *.sql) echo "init: $f"; psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -f "$f" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "init: done"
fi
exec "$@"
