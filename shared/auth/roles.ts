export const roles = ['admin', 'accountant', 'clerk', 'service'] as const;
export type Role = (typeof roles)[number];

export interface Principal {
  sub: string;
  roles: Role[];
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
