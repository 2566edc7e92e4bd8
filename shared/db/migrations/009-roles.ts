// Who may do what on erpbi's database (docs/architecture.md, "Who connects as whom"). The cluster's
// setup (compose/postgres/init/erpbi-roles.pgsql: the Pi's init script, and `npm start` for its
// embedded Postgres) makes three login roles, none a superuser:
// - `<p>_owner` owns the database, its schemas and tables: the migrations run as it (the secret
//   database-url-migrate), and it is the one that grants below;
// - `<p>_app`, the functions and the connector (database-url): read and write the rows of erpbi's
//   tables and use their sequences; no DDL, no TRUNCATE, no temporary tables, no other database;
// - `<p>_reader`, the query function and the backup's pg_dump (database-url-read): SELECT only, which is
//   all pg_dump needs (it locks each table in ACCESS SHARE mode and reads each sequence's state). The
//   query function writes nothing: no idempotency keys, no temporary tables.
// The names follow the owner's (erpbi_owner -> erpbi_app, erpbi_reader), so a test's roles of its own
// work alike. Run by a role not named `*_owner`, or before its two siblings exist (the tests' superuser
// on a shared Postgres), it grants and revokes nothing: erpbi then runs as it did, as that one role.
//
// Also run again at the end of every migrate (shared/db/migrate.ts), because a database can lose or
// miss them: a restored dump carries no privileges (pg_dump --no-privileges), and on a box whose roles
// were made after this migration ran it had nothing to grant to. It changes nothing when all is granted.
//
// One app role, not one per domain: every function writes the shared platform tables (its events into
// platform.outbox, which the connector's sweeper publishes whatever the subject; idempotency keys;
// processed events) and reads other domains' published views, so a per-domain role would still write
// every domain's events into the one outbox: more secrets, no real wall. The walls here are the ones
// that hold: no function can change or drop the schema, reach another database, or (query) write.
export const sql = `
do $grants$
declare
  owner text := current_user;
  app text := regexp_replace(current_user, '_owner$', '_app');
  reader text := regexp_replace(current_user, '_owner$', '_reader');
  s text;
begin
  if owner !~ '_owner$' or not exists (select from pg_roles where rolname = app) or not exists (select from pg_roles where rolname = reader) then
    raise notice 'erpbi: % is not an erpbi owner role with its _app and _reader beside it; no privileges granted', owner;
    return;
  end if;
  -- The database: CONNECT for the two, nothing for anyone else (PUBLIC had CONNECT and TEMP).
  execute format('revoke all on database %I from public', current_database());
  execute format('grant connect on database %I to %I, %I', current_database(), app, reader);
  -- Nobody creates in public (PostgreSQL 15 no longer grants it; a cluster made by an older one did).
  revoke create on schema public from public;
  -- Every schema the owner owns (platform, inventory, orders, billing, hr, and any later one).
  for s in select nspname from pg_namespace where nspowner = (select oid from pg_roles where rolname = owner) loop
    execute format('grant usage on schema %I to %I, %I', s, app, reader);
    execute format('grant select, insert, update, delete on all tables in schema %I to %I', s, app);
    execute format('grant usage, select, update on all sequences in schema %I to %I', s, app);
    execute format('grant select on all tables in schema %I to %I', s, reader);
    execute format('grant select on all sequences in schema %I to %I', s, reader);
  end loop;
  -- The migrations' own record is not the functions' to rewrite.
  execute format('revoke insert, update, delete on platform.schema_migrations from %I', app);
  -- What later migrations create (the owner creates it) gets the same, in any schema.
  execute format('alter default privileges for role %I grant usage on schemas to %I, %I', owner, app, reader);
  execute format('alter default privileges for role %I grant select, insert, update, delete on tables to %I', owner, app);
  execute format('alter default privileges for role %I grant usage, select, update on sequences to %I', owner, app);
  execute format('alter default privileges for role %I grant select on tables to %I', owner, reader);
  execute format('alter default privileges for role %I grant select on sequences to %I', owner, reader);
end
$grants$;
`;
