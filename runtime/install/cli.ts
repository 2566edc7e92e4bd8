import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { faasdCompose, faasdSecretReaders } from './faasd-compose.js';

// `erpbi install <step>`: the steps of install.sh that are TypeScript (the installer calls them; a
// person rarely does). Each prints what it made, or writes it to --out.

const extrasFile = join(import.meta.dirname, '..', '..', 'compose', 'docker-compose.faasd-extras.yml');

export const installUsage = `  install faasd-compose --faasd FILE --domain DOMAIN [--registry HOST/erpbi] [--secrets DIR] [--extras FILE] [--out FILE]
                                                           faasd's compose file: FILE's own services + erpbi's extras for DOMAIN, images
                                                           from the registry, secrets mounted from DIR (docs/faasd.md)
  install faasd-secret-readers [--extras FILE]             each secret the faasd extras mount, with the uids that read it: \`NAME UID[,UID]\` lines`;

/** Writes by rename, so faasd never reads half a file. */
function writeWhole(path: string, text: string) {
  writeFileSync(`${path}.part`, text, { mode: 0o644 });
  renameSync(`${path}.part`, path);
}

async function faasdComposeCommand(args: string[]) {
  const { values } = parseArgs({
    args,
    options: { faasd: { type: 'string' }, domain: { type: 'string' }, registry: { type: 'string' }, secrets: { type: 'string' }, extras: { type: 'string' }, out: { type: 'string' } },
  });
  if (!values.faasd) throw new Error('--faasd FILE is required: faasd\'s own compose file (as its installer wrote it, e.g. /var/lib/faasd/docker-compose.yaml.orig)');
  if (!values.domain) throw new Error('--domain is required (ERPBI_DOMAIN of /etc/erpbi/erpbi.env)');
  const yaml = faasdCompose(readFileSync(values.faasd, 'utf8'), readFileSync(values.extras ?? extrasFile, 'utf8'), {
    domain: values.domain,
    ...(values.registry ? { registry: values.registry } : {}),
    ...(values.secrets ? { secretsDir: values.secrets.replace(/\/+$/, '') } : {}),
  });
  if (values.out) writeWhole(values.out, yaml);
  else process.stdout.write(yaml);
}

async function faasdSecretReadersCommand(args: string[]) {
  const { values } = parseArgs({ args, options: { extras: { type: 'string' } } });
  const readers = faasdSecretReaders(readFileSync(values.extras ?? extrasFile, 'utf8'));
  for (const [name, uids] of Object.entries(readers)) console.log(`${name} ${uids.join(',')}`);
}

const steps: Record<string, (args: string[]) => Promise<void>> = { 'faasd-compose': faasdComposeCommand, 'faasd-secret-readers': faasdSecretReadersCommand };

export async function installCommand(args: string[]): Promise<void> {
  const [step, ...rest] = args;
  const run = step ? steps[step] : undefined;
  if (!run) throw new Error(`install needs one of: ${Object.keys(steps).join(', ')}\n${installUsage}`);
  await run(rest);
}
