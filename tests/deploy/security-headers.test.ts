import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { securityHeaders } from '../../gateway/security-headers.js';
import { readYaml, root } from './support.js';

// The security headers have one source, gateway/security-headers.ts (`npm start`'s gateway sets them);
// the Pi's Traefik and the container test's nginx stand-in for it cannot import it: they must say the
// same, with the issuer at https://auth.<domain> (Keycloak, compose's AUTH_ISSUER).

const domain = '{{ env "ERPBI_DOMAIN" }}';
// What the Pi sends for erpbi.lan: HTTPS, so with Strict-Transport-Security.
const expected = securityHeaders({ issuer: 'https://auth.erpbi.lan/realms/erpbi', https: true });

describe('the security headers of the front door', () => {
  it("Traefik's web, functions and bi routers carry the security-headers middleware, with gateway/security-headers.ts's values", () => {
    const dyn = readYaml('compose/traefik/dynamic.yml');
    const routers = dyn.http.routers as Record<string, { rule: string; middlewares?: string[] }>;
    for (const name of ['web', 'functions', 'bi']) {
      expect(routers[name]!.rule, name).toContain(`Host(\`${domain}\`)`);
      expect(routers[name]!.middlewares, name).toContain('security-headers');
    }
    // Keycloak's host: only the erpbi realm and the theme's files (tests/deploy/front-door.test.ts).
    expect(routers.auth!.rule).toMatch(new RegExp(`^Host\\(\`auth\\.${domain.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\`\\) && `));
    const h = dyn.http.middlewares['security-headers'].headers as Record<string, unknown>;
    expect(Object.keys(h).sort()).toEqual(['contentSecurityPolicy', 'contentTypeNosniff', 'frameDeny', 'referrerPolicy', 'stsSeconds']);
    expect(String(h.contentSecurityPolicy)).toContain(`https://auth.${domain}`);
    // Traefik's options as the headers they send (over HTTPS), the domain as the template fills it in.
    const sent = {
      'content-security-policy': String(h.contentSecurityPolicy).replaceAll(domain, 'erpbi.lan'),
      'x-frame-options': h.frameDeny === true ? 'DENY' : undefined,
      'x-content-type-options': h.contentTypeNosniff === true ? 'nosniff' : undefined,
      'referrer-policy': h.referrerPolicy,
      'strict-transport-security': `max-age=${String(h.stsSeconds)}`,
    };
    expect(sent).toEqual(expected);
    // The issuer whose origin the policy names is the one the functions and the workspace use.
    const erp = readYaml('compose/docker-compose.erp.yml');
    expect(erp['x-function'].environment.AUTH_ISSUER).toBe('https://auth.${ERPBI_DOMAIN:-erpbi.lan}/realms/erpbi');
  });

  it('the nginx stand-in for Traefik (tests/containers/front-door.conf) sends the same on every answer for erpbi.lan', () => {
    const conf = readFileSync(join(root, 'tests', 'containers', 'front-door.conf'), 'utf8');
    const server = conf.split(/^server \{/m).find((block) => /^\s*server_name erpbi\.lan;/m.test(block));
    expect(server).toBeDefined();
    // Retry-After (the rate limits' 429s, tests/deploy/front-door.test.ts) is no security header: left out here.
    const lines = [...server!.matchAll(/^\s*add_header\s+(\S+)\s+"([^"]*)"\s+(always)?;/gm)];
    const others = (server!.match(/^\s*add_header\s+Retry-After\s/gm) ?? []).length;
    expect(Object.fromEntries(lines.map(([, name, value]) => [name!.toLowerCase(), value]))).toEqual(expected);
    expect(
      lines.every(([, , , always]) => always === 'always'),
      'with `always`: on error answers too',
    ).toBe(true);
    // A location with an add_header of its own would inherit none of these (nginx).
    expect(server!.split('\n').filter((l) => /^\s*location\b.*add_header/.test(l))).toEqual([]);
    expect(others).toBe(1);
    expect((server!.match(/add_header/g) ?? []).length).toBe(lines.length + others);
  });
});
