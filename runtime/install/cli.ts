import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { faasdCompose, faasdSecretReaders } from './faasd-compose.js';
import { installSteps } from './steps.js';

// `erpbi install <step>`: the steps of install.sh that are TypeScript (the installer calls them, with
// the service image's Node on a blank Pi; a person rarely does). Those of steps.ts print ok/done and
// exit 3 when they changed something; the others print what they made, or write it to --out.

export { Changed } from './steps.js';

const extrasFile = join(import.meta.dirname, '..', '..', 'compose', 'docker-compose.faasd-extras.yml');

export const installUsage = `${Object.values(installSteps).map((s) => s.usage).join('\n')}
  (those four: --check or ERPBI_CHECK=1 reports only; exit 3 when something changed or would change)
  install seaweedfs-identities --secrets DIR               SeaweedFS's S3 identities (DIR/seaweedfs-s3.json, 0600) from the six
                                                           s3-{writer,reader,admin}-{access-key-id,secret-access-key} files in DIR
  install storage-bucket                                   create the documents' bucket (S3_BUCKET at S3_ENDPOINT) with the admin key
                                                           pair (S3_KEYS=admin); one already there is fine
  install faasd-compose --faasd FILE --domain DOMAIN [--registry HOST/erpbi] [--secrets DIR] [--extras FILE] [--out FILE]
                                                           faasd's compose file: FILE's own services + erpbi's extras for DOMAIN, images
                                                           from the registry, secrets mounted from DIR (docs/faasd.md)
  install faasd-secret-readers [--extras FILE]             each secret the faasd extras mount, with the uids that read it: \`NAME UID[,UID]\` lines`;

async function seaweedfsIdentitiesStep(args: string[]) {
  const { values } = parseArgs({ args, options: { secrets: { type: 'string' } } });
  if (!values.secrets) throw new Error(`--secrets DIR is required (the folder of the s3-* key files)\n${installUsage}`);
  const { writeSeaweedfsIdentities } = await import('./seaweedfs-identities.js');
  console.log(writeSeaweedfsIdentities(values.secrets));
}

async function storageBucketStep(args: string[]) {
  if (args.length > 0) throw new Error(`install storage-bucket takes no arguments (its settings are S3_*)\n${installUsage}`);
  const { createDocumentsBucket } = await import('./storage-bucket.js');
  console.log(`the documents' bucket: ${await createDocumentsBucket()}`);
}

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

const steps: Record<string, (args: string[]) => Promise<void>> = {
  ...Object.fromEntries(Object.entries(installSteps).map(([name, step]) => [name, (args: string[]) => step.run(args, installUsage)])),
  'seaweedfs-identities': seaweedfsIdentitiesStep,
  'storage-bucket': storageBucketStep,
  'faasd-compose': faasdComposeCommand,
  'faasd-secret-readers': faasdSecretReadersCommand,
};

export async function installCommand(args: string[]): Promise<void> {
  const [step, ...rest] = args;
  const run = step && Object.hasOwn(steps, step) ? steps[step] : undefined;
  if (!run) throw new Error(`${step ? `no install step ${step}` : 'which install step?'} (one of: ${Object.keys(steps).join(', ')})\nusage:\n${installUsage}`);
  await run(rest);
}
