import type { FastifyInstance } from 'fastify';
import { createPool, type Pool } from '../../../shared/db/pool.js';
import type { LoginForm } from '../code-flow.js';
import type { IssuerKeys } from '../issuer.js';
import { realmOf, registerAdminApi } from './admin-api.js';
import { loginForm } from './login.js';
import { keycloakStore } from './store.js';

// Keycloak's stand-in in the container test: the dev issuer at Keycloak's issuer URL, with its users
// in Keycloak's database and Keycloak's admin API, from Keycloak's own settings (the compose service's
// KC_DB_URL, KC_DB_USERNAME, KC_BOOTSTRAP_ADMIN_USERNAME and the secrets keycloak-db-password,
// keycloak-admin-password). Test only: it stands in for what cannot be pulled there.

export interface StandInSettings {
  /** jdbc:postgresql://host:port/database, as Keycloak takes it. */
  dbUrl: string;
  dbUser: string;
  dbPassword: string;
  bootstrapAdmin?: { username: string; password: string } | undefined;
  issuer: string;
  keys: IssuerKeys;
}

export interface StandIn {
  login: LoginForm;
  register: (app: FastifyInstance) => void;
  close: () => Promise<void>;
}

/** postgres://user:password@host:port/database from Keycloak's JDBC URL and its user. */
export function postgresUrl(jdbc: string, user: string, password: string): string {
  const url = new URL(jdbc.replace(/^jdbc:postgresql:/, 'postgres:'));
  url.username = user;
  url.password = password;
  return url.toString();
}

export async function startKeycloakStandIn(s: StandInSettings): Promise<StandIn> {
  const { realm } = realmOf(s.issuer);
  const pool: Pool = createPool(postgresUrl(s.dbUrl, s.dbUser, s.dbPassword), 4);
  const store = keycloakStore(pool, ['master', realm]);
  try {
    await store.ready();
    const made = s.bootstrapAdmin ? await store.bootstrapAdmin(s.bootstrapAdmin.username, s.bootstrapAdmin.password) : undefined;
    if (made) console.log(JSON.stringify({ msg: 'made the temporary admin of master', username: made.username }));
  } catch (err) {
    await pool.end();
    throw new Error(
      `keycloak stand-in: Keycloak's database ${new URL(s.dbUrl.slice(5)).pathname.slice(1)} at ${new URL(s.dbUrl.slice(5)).host} as ${s.dbUser}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  return {
    login: loginForm(store, realm),
    register: (app) => registerAdminApi(app, { store, keys: s.keys, issuer: s.issuer }),
    close: () => pool.end(),
  };
}
