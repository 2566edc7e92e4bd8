import { z } from 'zod';
import type { StandInUser } from './store.js';

// Keycloak's admin REST API shapes the stand-in takes and gives (Keycloak's UserRepresentation,
// CredentialRepresentation, RoleRepresentation), limited to what it keeps. What it cannot do as
// Keycloak would (a temporary password, required actions) is refused by name rather than ignored.

const credential = z
  .object({
    type: z.literal('password'),
    value: z.string().min(1),
    temporary: z.literal(false, 'a temporary password is not supported by the stand-in (it has no page to change one): send temporary: false').optional(),
  })
  .strict();

/** POST /admin/realms/{realm}/users. */
export const newUserRepresentation = z
  .object({
    username: z.string().trim().min(1).max(255),
    email: z.email().max(255).optional(),
    firstName: z.string().max(255).optional(),
    lastName: z.string().max(255).optional(),
    enabled: z.boolean().optional(),
    emailVerified: z.boolean().optional(),
    attributes: z.record(z.string(), z.array(z.string())).optional(),
    credentials: z.array(credential).max(1).optional(),
    requiredActions: z.array(z.string()).max(0, 'required actions are not supported by the stand-in').optional(),
    // Keycloak ignores these on create as well: roles are mapped by their own call (role-mappings).
    realmRoles: z.array(z.string()).optional(),
    clientRoles: z.record(z.string(), z.array(z.string())).optional(),
  })
  .strict();

/** POST /admin/realms/{realm}/users/{id}/role-mappings/realm: roles by name (Keycloak looks them up by name). */
export const roleMappings = z.array(z.object({ name: z.string().min(1) }).loose()).min(1);

/** GET /admin/realms/{realm}/users[/{id}]. */
export function userRepresentation(u: StandInUser) {
  return {
    id: u.id,
    username: u.username,
    ...(u.firstName !== undefined ? { firstName: u.firstName } : {}),
    ...(u.lastName !== undefined ? { lastName: u.lastName } : {}),
    ...(u.email !== undefined ? { email: u.email } : {}),
    emailVerified: u.emailVerified,
    ...(Object.keys(u.attributes).length > 0 ? { attributes: u.attributes } : {}),
    createdTimestamp: u.createdTimestamp,
    enabled: u.enabled,
    totp: false,
    disableableCredentialTypes: [],
    requiredActions: [],
    notBefore: 0,
    access: { manageGroupMembership: true, view: true, mapRoles: true, impersonate: true, manage: true },
  };
}

/** zod's issues as one Keycloak-style errorMessage. */
export const problems = (error: z.ZodError) => error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
