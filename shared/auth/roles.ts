// admin, accountant, clerk: people. service: the connector. bi-reader, bi-payroll: Grafana's data
// sources, which read BI figures and nothing else (any Grafana viewer can send any query through them).
export const roles = ['admin', 'accountant', 'clerk', 'service', 'bi-reader', 'bi-payroll'] as const;
export type Role = (typeof roles)[number];

/** The connector's OAuth client id (Keycloak's realm and the dev issuer): the only client whose tokens carry `service`. */
export const connectorClient = 'erpbi-connector';

export interface Principal {
  sub: string;
  roles: Role[];
  /** The OAuth client the token was issued to (`azp`), when the issuer says. */
  client?: string;
  /** When the token expires, in seconds since the epoch (its `exp`): what outlives a request, such as an event stream, ends then. */
  expiresAt?: number;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

export function hasAnyRole(principal: Principal, allowed: readonly Role[]): boolean {
  return principal.roles.some((r) => allowed.includes(r));
}

// Keycloak puts roles at realm_access.roles; the dev issuer at roles. The path is configuration.
export function rolesFromClaims(claims: Record<string, unknown>, path: string): Role[] {
  let node: unknown = claims;
  for (const part of path.split('.')) {
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
  }
  return Array.isArray(node) ? node.filter(isRole) : [];
}
