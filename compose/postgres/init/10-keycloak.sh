#!/bin/bash
# Runs once, on an empty pgdata: Keycloak gets its own role and database beside erpbi's.
set -euo pipefail
pw="$(cat /run/secrets/keycloak-db-password)"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -v pw="$pw" <<'SQL'
create role keycloak login password :'pw';
create database keycloak owner keycloak;
SQL
