import { randomUUID } from 'node:crypto';
import type { Pool } from '../../../shared/db/pool.js';
import { roles as erpbiRoles } from '../../../shared/auth/roles.js';
import { hashPassword, verifyPassword } from './passwords.js';

// The stand-in's users, their passwords (hashed) and realm roles, in Keycloak's database (the role
// keycloak owns it) under a schema of its own: `erpbi backup` dumps that database as it would
// Keycloak's, so a restore brings the users back. Only what the installer and the tests use of
// Keycloak's model: users with a password credential, realm roles, direct realm role mappings.

const schema = 'keycloak_stand_in';

const ddl = `
create schema if not exists ${schema};
create table if not exists ${schema}.roles (
  id uuid primary key, realm text not null, name text not null, description text, unique (realm, name));
create table if not exists ${schema}.users (
  id uuid primary key, realm text not null, username text not null, email text, first_name text, last_name text,
  enabled boolean not null, email_verified boolean not null, created_at timestamptz not null default now(),
  attributes jsonb not null default '{}', password_hash text, unique (realm, username));
create unique index if not exists users_email on ${schema}.users (realm, email) where email is not null;
create table if not exists ${schema}.user_roles (
  user_id uuid not null references ${schema}.users on delete cascade,
  role_id uuid not null references ${schema}.roles on delete cascade,
  primary key (user_id, role_id));`;

/** Keycloak's built-in realm roles, beside each realm's own; default-roles-<realm> holds the two others. */
const builtIn = ['offline_access', 'uma_authorization'];
const defaultRoles = (realm: string) => `default-roles-${realm}`;
/** Each realm's own roles: Keycloak's master realm's, and erpbi's (the realm export's, shared/auth/roles.ts). */
function realmRoles(realm: string): string[] {
  const own = realm === 'master' ? ['admin', 'create-realm'] : [...erpbiRoles];
  return [...own, ...builtIn, defaultRoles(realm)];
}

export interface StandInUser {
  id: string;
  realm: string;
  username: string;
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  enabled: boolean;
  emailVerified: boolean;
  /** ms since the epoch, as Keycloak's createdTimestamp. */
  createdTimestamp: number;
  attributes: Record<string, string[]>;
}

export interface StandInRole {
  id: string;
  name: string;
  description?: string;
  composite: boolean;
  clientRole: false;
  containerId: string;
}

export interface NewUser {
  username: string;
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  enabled?: boolean | undefined;
  emailVerified?: boolean | undefined;
  attributes?: Record<string, string[]> | undefined;
  password?: string | undefined;
}

export type Created = { created: StandInUser } | { conflict: 'username' | 'email' };

interface UserRow {
  id: string;
  realm: string;
  username: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  enabled: boolean;
  email_verified: boolean;
  created_at: Date;
  attributes: Record<string, string[]>;
  password_hash: string | null;
}

function toUser(r: UserRow): StandInUser {
  return {
    id: r.id,
    realm: r.realm,
    username: r.username,
    email: r.email ?? undefined,
    firstName: r.first_name ?? undefined,
    lastName: r.last_name ?? undefined,
    enabled: r.enabled,
    emailVerified: r.email_verified,
    createdTimestamp: r.created_at.getTime(),
    attributes: r.attributes,
  };
}

function toRole(r: { id: string; name: string; realm: string; description: string | null }): StandInRole {
  return {
    id: r.id,
    name: r.name,
    ...(r.description ? { description: r.description } : {}),
    composite: r.name.startsWith('default-roles-'),
    clientRole: false,
    containerId: r.realm,
  };
}

export type Store = ReturnType<typeof keycloakStore>;

/** The store on Keycloak's database (`pool` connects as its owner), for the realms named. */
export function keycloakStore(pool: Pool, realms: readonly string[]) {
  const user = async (realm: string, id: string) => {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const r = await pool.query<UserRow>(`select * from ${schema}.users where realm = $1 and id = $2`, [realm, id]);
    return r.rows[0] ? toUser(r.rows[0]) : undefined;
  };
  const rolesOf = async (userId: string) =>
    (
      await pool.query(`select r.* from ${schema}.user_roles m join ${schema}.roles r on r.id = m.role_id where m.user_id = $1 order by r.name`, [userId])
    ).rows.map(toRole);

  async function createUser(realm: string, u: NewUser): Promise<Created> {
    const id = randomUUID();
    const hash = u.password === undefined ? null : await hashPassword(u.password);
    try {
      const row = await pool.query<UserRow>(
        `with u as (insert into ${schema}.users (id, realm, username, email, first_name, last_name, enabled, email_verified, attributes, password_hash)
           values ($1, $2, lower($3), lower($4), $5, $6, $7, $8, $9, $10) returning *),
         m as (insert into ${schema}.user_roles (user_id, role_id) select $1, id from ${schema}.roles where realm = $2 and name = $11)
         select * from u`,
        [
          id,
          realm,
          u.username,
          u.email ?? null,
          u.firstName ?? null,
          u.lastName ?? null,
          u.enabled ?? false,
          u.emailVerified ?? false,
          JSON.stringify(u.attributes ?? {}),
          hash,
          defaultRoles(realm),
        ],
      );
      return { created: toUser(row.rows[0]!) };
    } catch (err) {
      const e = err as { code?: string; constraint?: string };
      if (e.code === '23505') return { conflict: e.constraint === 'users_email' ? 'email' : 'username' };
      throw err;
    }
  }

  return {
    /** Makes the schema and the realms' roles, once (concurrent starts wait for each other). */
    async ready(): Promise<void> {
      const c = await pool.connect();
      try {
        await c.query('begin');
        await c.query(`select pg_advisory_xact_lock(hashtext('${schema}'))`);
        await c.query(ddl);
        for (const realm of realms) {
          for (const name of realmRoles(realm)) {
            await c.query(`insert into ${schema}.roles (id, realm, name) values ($1, $2, $3) on conflict (realm, name) do nothing`, [
              randomUUID(),
              realm,
              name,
            ]);
          }
        }
        await c.query('commit');
      } catch (err) {
        await c.query('rollback').catch(() => {});
        throw err;
      } finally {
        c.release();
      }
    },

    /**
     * Keycloak 26's bootstrap admin: with no user in master, the user KC_BOOTSTRAP_ADMIN_USERNAME with the
     * password KC_BOOTSTRAP_ADMIN_PASSWORD, master's `admin` role, marked as a temporary admin. Returns it
     * when made now.
     */
    async bootstrapAdmin(username: string, password: string): Promise<StandInUser | undefined> {
      const none = (await pool.query(`select not exists (select from ${schema}.users where realm = 'master') as none`)).rows[0].none as boolean;
      if (!none) return undefined;
      const made = await createUser('master', { username, password, enabled: true, attributes: { is_temporary_admin: ['true'] } });
      if (!('created' in made)) return undefined; // made by a concurrent start
      await pool.query(`insert into ${schema}.user_roles (user_id, role_id) select $1, id from ${schema}.roles where realm = 'master' and name = 'admin'`, [
        made.created.id,
      ]);
      return made.created;
    },

    createUser,
    user,

    /** Keycloak's user search: `username` exactly (case-insensitive) or as a part of it, `email` likewise; `first`/`max` page. */
    async findUsers(
      realm: string,
      q: { username?: string | undefined; email?: string | undefined; exact?: boolean | undefined; first?: number | undefined; max?: number | undefined },
    ): Promise<StandInUser[]> {
      const params: unknown[] = [realm];
      const where = ['realm = $1'];
      for (const [column, value] of [
        ['username', q.username],
        ['email', q.email],
      ] as const) {
        if (value === undefined) continue;
        params.push(q.exact ? value.toLowerCase() : `%${value.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`);
        where.push(q.exact ? `${column} = $${params.length}` : `${column} like $${params.length}`);
      }
      params.push(q.first ?? 0, q.max ?? 100);
      const r = await pool.query<UserRow>(
        `select * from ${schema}.users where ${where.join(' and ')} order by username offset $${params.length - 1} limit $${params.length}`,
        params,
      );
      return r.rows.map(toUser);
    },

    async deleteUser(realm: string, id: string): Promise<boolean> {
      if (!(await user(realm, id))) return false;
      return ((await pool.query(`delete from ${schema}.users where realm = $1 and id = $2`, [realm, id])).rowCount ?? 0) > 0;
    },

    async role(realm: string, name: string): Promise<StandInRole | undefined> {
      const r = await pool.query(`select * from ${schema}.roles where realm = $1 and name = $2`, [realm, name]);
      return r.rows[0] ? toRole(r.rows[0]) : undefined;
    },

    /** The realm roles mapped to the user directly (Keycloak's GET .../role-mappings/realm). */
    realmRoleMappings: rolesOf,

    /** Maps the roles named to the user; the first name that is no role of the realm is returned, and nothing is mapped. */
    async addRealmRoleMappings(realm: string, userId: string, names: string[]): Promise<{ unknownRole?: string }> {
      const known = (await pool.query<{ name: string }>(`select name from ${schema}.roles where realm = $1 and name = any($2)`, [realm, names])).rows.map(
        (r) => r.name,
      );
      const unknownRole = names.find((n) => !known.includes(n));
      if (unknownRole !== undefined) return { unknownRole };
      await pool.query(
        `insert into ${schema}.user_roles (user_id, role_id) select $1, id from ${schema}.roles where realm = $2 and name = any($3) on conflict do nothing`,
        [userId, realm, names],
      );
      return {};
    },

    /** The enabled user of the realm whose username (or e-mail) and password these are. */
    async signIn(realm: string, username: string, password: string): Promise<StandInUser | undefined> {
      const r = await pool.query<UserRow>(`select * from ${schema}.users where realm = $1 and (username = lower($2) or email = lower($2)) and enabled`, [
        realm,
        username,
      ]);
      const row = r.rows[0];
      return (await verifyPassword(password, row?.password_hash ?? undefined)) ? toUser(row!) : undefined;
    },

    /** The user's realm roles as a token carries them: the mapped ones and what default-roles-<realm> holds. */
    async effectiveRoles(userId: string): Promise<string[]> {
      const names = (await rolesOf(userId)).map((r) => r.name);
      return [...new Set(names.flatMap((n) => (n.startsWith('default-roles-') ? [n, ...builtIn] : [n])))].sort();
    },
  };
}
