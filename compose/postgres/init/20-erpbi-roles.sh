#!/bin/bash
# Runs once, on an empty pgdata, as the superuser (after 10-keycloak.sh): erpbi's login roles
# erpbi_owner (the migrations), erpbi_app (the functions, the connector) and erpbi_reader (query, the
# backup), with the passwords in the secret files only this service mounts. The SQL is
# erpbi-roles.pgsql, which `npm start` runs too. On a box set up before these roles, run it once by
# hand (docs/deploy-pi.md, section 10): it is idempotent, and hands erpbi's tables over to erpbi_owner.
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v owner_pw="$(cat /run/secrets/postgres-owner-password)" \
  -v app_pw="$(cat /run/secrets/postgres-app-password)" \
  -v reader_pw="$(cat /run/secrets/postgres-reader-password)" <<SQL
set erpbi.role_prefix = 'erpbi';
set erpbi.owner_password = :'owner_pw';
set erpbi.app_password = :'app_pw';
set erpbi.reader_password = :'reader_pw';
\i $here/erpbi-roles.pgsql
\i $here/erpbi-connect-only.pgsql
SQL
