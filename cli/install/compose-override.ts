import { stringify } from 'yaml';
import { composeSecretFiles } from './secrets.js';
import { parse } from 'yaml';
import { basename, join } from 'node:path';

// The installer's last compose file, /etc/erpbi/compose.override.yml: what lives in /etc/erpbi on a box
// instead of beside the compose files (compose/secrets/, compose/web/config.json, build/web), mounted
// at the same targets (compose merges a later file's volumes by target and its secrets by name). Made
// from compose/docker-compose.base.yml's own secrets, so a secret added there is named here too.

export function composeOverride(baseYaml: string, etc: string): string {
  const doc = parse(baseYaml, { merge: true, maxAliasCount: 1000 }) as { secrets: Record<string, { file: string }> };
  composeSecretFiles(baseYaml); // every secret a file, or a clear error
  const secrets = Object.fromEntries(Object.entries(doc.secrets).map(([name, s]) => [name, { file: join(etc, 'secrets', basename(s.file)) }]));
  const header = '# Made by install.sh (cli/install/compose-override.ts) from compose/docker-compose.base.yml; do not edit: a re-run rewrites it.\n';
  return (
    header +
    stringify({
      services: {
        traefik: { volumes: [`${join(etc, 'tls')}:/etc/traefik/certs:ro`] },
        web: { volumes: [`${join(etc, 'web', 'root')}:/usr/share/nginx/html:ro`, `${join(etc, 'web', 'config.json')}:/usr/share/nginx/html/config.json:ro`] },
      },
      secrets,
    })
  );
}
