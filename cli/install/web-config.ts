import { z } from 'zod';

// web's config.json on a box: the repository's compose/web/config.json (the client, the roles claim)
// with the issuer at auth.<ERPBI_DOMAIN>, the one setting the domain comes from. nginx serves it as a
// static file, where no variable reaches.

const webConfig = z.object({ issuer: z.string().url(), clientId: z.string().min(1), rolesClaim: z.string().min(1), scope: z.string().min(1) }).strict();

/** A DNS name as ERPBI_DOMAIN must be: lower-case labels of letters, digits and dashes, at least two. */
export const domainName = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/,
    'a DNS name of lower-case letters, digits and dashes with at least one dot (e.g. erpbi.lan)',
  );

/** The config.json for `domain`, from the repository's own (`template`, its text). */
export function webConfigFor(template: string, domain: string): string {
  const parsed = domainName.safeParse(domain);
  if (!parsed.success) throw new Error(`domain ${JSON.stringify(domain)}: ${parsed.error.issues[0]?.message}`);
  const config = webConfig.parse(JSON.parse(template));
  const issuer = new URL(config.issuer);
  issuer.hostname = `auth.${domain}`;
  return `${JSON.stringify({ ...config, issuer: issuer.toString().replace(/\/$/, '') }, null, 2)}\n`;
}
