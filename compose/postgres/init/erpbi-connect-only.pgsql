-- CONNECT on erpbi's database only: no PUBLIC connect on the cluster's other databases (postgres,
-- template1, keycloak); their owners and the superuser keep theirs. erpbi's own is the migrations'
-- (009-roles). Run by a superuser connected to erpbi's database, after erpbi-roles.pgsql: by the Pi's
-- init script (20-erpbi-roles.sh) and by `npm start` for its embedded Postgres (runtime/box/postgres.ts).
do $connect$
declare
  d text;
begin
  for d in select datname from pg_database where datname <> current_database() and datallowconn loop
    execute format('revoke connect on database %I from public', d);
  end loop;
end
$connect$;
