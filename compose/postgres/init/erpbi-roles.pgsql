-- erpbi's three login roles (docs/architecture.md, "Who connects as whom"). Run by a superuser
-- connected to erpbi's database, after setting (set_config) erpbi.role_prefix and the three passwords
-- erpbi.owner_password, erpbi.app_password, erpbi.reader_password. The one text of this setup: the
-- Pi's init script (20-erpbi-roles.sh, through psql) and `npm start` for its embedded Postgres
-- (runtime/box/postgres.ts) both run it. The postgres image's entrypoint runs only *.sh and *.sql here, not
-- this file by itself.
--
-- Idempotent: run again, each role gets the password it is given now, and a database that was set up
-- before these roles (its schemas made by the superuser that ran the migrations) is handed over to the
-- owner. What each role may do is granted by the migrations, as the owner (shared/db/migrations/009-roles.ts).
do $roles$
declare
  prefix text := current_setting('erpbi.role_prefix');
  owner text := prefix || '_owner';
  r record;
begin
  for r in select * from (values (owner, 'erpbi.owner_password'), (prefix || '_app', 'erpbi.app_password'), (prefix || '_reader', 'erpbi.reader_password')) as v (name, setting) loop
    execute format('%s role %I with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password %L',
      case when exists (select from pg_roles where rolname = r.name) then 'alter' else 'create' end, r.name, current_setting(r.setting));
  end loop;
  -- The owner owns the database: it creates erpbi's schemas, and says who else may connect (009-roles).
  execute format('alter database %I owner to %I', current_database(), owner);
  -- Handed over from the superuser of an earlier setup: every non-system schema and what is in it
  -- (a sequence a column owns follows its table).
  for r in select nspname from pg_namespace
           where nspname <> 'public' and nspname <> 'information_schema' and nspname !~ '^pg_'
             and nspowner <> (select oid from pg_roles where rolname = owner) loop
    execute format('alter schema %I owner to %I', r.nspname, owner);
  end loop;
  for r in select c.oid::regclass as rel, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname <> 'public' and n.nspname <> 'information_schema' and n.nspname !~ '^pg_'
             and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f') and c.relowner <> (select oid from pg_roles where rolname = owner)
             and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.deptype in ('a', 'i')) loop
    execute format('alter %s %s owner to %I',
      case r.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'S' then 'sequence' when 'f' then 'foreign table' else 'table' end, r.rel, owner);
  end loop;
end
$roles$;
