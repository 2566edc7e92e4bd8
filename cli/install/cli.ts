import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, parseEnv } from 'node:util';
import { faasdCompose, faasdDataDirs, faasdSecretReaders } from './faasd-compose.js';
import { installSteps, report, writeIfChanged } from './steps.js';

// `erpbi install <step>`: the steps of install.sh that are TypeScript (the installer calls them, with
// the service image's Node on a blank Pi; a person rarely does). A step that writes a file prints
// `ok <what>`, `done <what>` or, with --check or ERPBI_CHECK=1, `would <what>`, and exits 3 when it
// changed (or would change) something.

export { Changed } from './steps.js';

const extrasFile = join(import.meta.dirname, '..', '..', 'compose', 'docker-compose.faasd-extras.yml');

export const installUsage = `${Object.values(installSteps)
  .map((s) => s.usage)
  .join('\n')}
  (those four: --check or ERPBI_CHECK=1 reports only; exit 3 when something changed or would change)
  install seaweedfs-identities --secrets DIR               SeaweedFS's S3 identities (DIR/seaweedfs-s3.json, 0600) from the ten
                                                           s3-{writer,reader,admin,olap-writer,olap-reader}-{access-key-id,secret-access-key} files in DIR
  install storage-bucket                                   create the documents' bucket (S3_BUCKET) and the OLAP export's (OLAP_EXPORT_BUCKET) at
                                                           S3_ENDPOINT with the admin key pair (S3_KEYS=admin); one already there is fine
  install faasd-compose --faasd DIR|FILE [--etc DIR] [--domain D] [--registry HOST/PATH] [--secrets DIR] [--out FILE] [--check]
                                                           faasd's compose file (DIR/docker-compose.yaml, rewritten in place): its own
                                                           services + erpbi's extras for the domain, images from the registry, secrets
                                                           mounted from DIR (defaults: ERPBI_DOMAIN, REGISTRY of --etc's erpbi.env, its secrets/)
  install faasd-dirs --faasd DIR [--check]                  the extras' data directories under DIR (faasd's working directory), each 0700 and
                                                           owned by the uid:gid its service runs as
  install faasd-secret-readers [--extras FILE]             each secret the faasd extras mount, with the uids that read it: \`NAME UID[,UID]\` lines`;

async function seaweedfsIdentitiesStep(args: string[]) {
  const { values } = parseArgs({ args, options: { secrets: { type: 'string' } } });
  if (!values.secrets) throw new Error(`--secrets DIR is required (the folder of the s3-* key files)\n${installUsage}`);
  const { writeSeaweedfsIdentities } = await import('./seaweedfs-identities.js');
  console.log(writeSeaweedfsIdentities(values.secrets));
}

async function storageBucketStep(args: string[]) {
  if (args.length > 0) throw new Error(`install storage-bucket takes no arguments (its settings are S3_*)\n${installUsage}`);
  const { createBuckets } = await import('./storage-bucket.js');
  for (const [bucket, outcome] of Object.entries(await createBuckets())) console.log(`the bucket ${bucket}: ${outcome}`);
}

/** The installer's settings file (/etc/erpbi/erpbi.env): KEY=value lines. */
function envFileOf(etc: string | undefined): Record<string, string | undefined> {
  if (!etc) return {};
  const file = join(etc, 'erpbi.env');
  if (!existsSync(file)) throw new Error(`--etc ${etc}: no erpbi.env in it`);
  return parseEnv(readFileSync(file, 'utf8'));
}

async function faasdComposeCommand(args: string[]) {
  const { values } = parseArgs({
    args,
    options: {
      faasd: { type: 'string' },
      etc: { type: 'string' },
      domain: { type: 'string' },
      registry: { type: 'string' },
      secrets: { type: 'string' },
      extras: { type: 'string' },
      out: { type: 'string' },
      check: { type: 'boolean', default: false },
    },
  });
  if (!values.faasd)
    throw new Error("--faasd is required: faasd's working directory (/var/lib/faasd, whose docker-compose.yaml is rewritten) or a compose file of faasd's");
  const env = envFileOf(values.etc);
  const domain = values.domain ?? env.ERPBI_DOMAIN;
  if (!domain) throw new Error('--domain is required, or --etc DIR with ERPBI_DOMAIN in DIR/erpbi.env');
  const registry = values.registry ?? env.REGISTRY;
  const secrets = values.secrets ?? (values.etc ? join(values.etc, 'secrets') : undefined);
  // a directory: faasd's own, its compose file rewritten in place (the function changes nothing on its own output)
  const inPlace = statSync(values.faasd).isDirectory();
  const source = inPlace ? join(values.faasd, 'docker-compose.yaml') : values.faasd;
  const out = values.out ?? (inPlace ? source : undefined);
  const yaml = faasdCompose(readFileSync(source, 'utf8'), readFileSync(values.extras ?? extrasFile, 'utf8'), {
    domain,
    ...(registry ? { registry } : {}),
    ...(secrets ? { secretsDir: secrets.replace(/\/+$/, '') } : {}),
  });
  if (!out) {
    process.stdout.write(yaml);
    return;
  }
  const what = `faasd compose file ${out} (domain ${domain}${registry ? `, images from ${registry}` : ''})`;
  const [line, changed] = writeIfChanged(out, yaml, what, values.check || process.env.ERPBI_CHECK === '1');
  report([line], changed);
}

async function faasdDirsCommand(args: string[]) {
  const { values } = parseArgs({ args, options: { faasd: { type: 'string' }, extras: { type: 'string' }, check: { type: 'boolean', default: false } } });
  if (!values.faasd) throw new Error("--faasd DIR is required: faasd's working directory (/var/lib/faasd)");
  const check = values.check || process.env.ERPBI_CHECK === '1';
  let changed = false;
  for (const d of faasdDataDirs(readFileSync(values.extras ?? extrasFile, 'utf8'))) {
    const path = join(values.faasd, d.path);
    const what = `${d.service}'s data directory ${path} (${d.uid}:${d.gid}, 0700)`;
    const st = existsSync(path) ? statSync(path) : undefined;
    if (st && !st.isDirectory()) throw new Error(`${path} is not a directory`);
    // contents are the service's own: only the directory itself is made right, never its files
    if (st && st.uid === d.uid && st.gid === d.gid && (st.mode & 0o777) === 0o700) {
      console.log(`ok ${what}`);
      continue;
    }
    changed = true;
    if (check) {
      console.log(`would ${what}`);
      continue;
    }
    mkdirSync(path, { recursive: true, mode: 0o700 });
    chownSync(path, d.uid, d.gid);
    chmodSync(path, 0o700);
    console.log(`done ${what}`);
  }
  report([], changed);
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
  'faasd-dirs': faasdDirsCommand,
  'faasd-secret-readers': faasdSecretReadersCommand,
};

export async function installCommand(args: string[]): Promise<void> {
  const [step, ...rest] = args;
  const run = step && Object.hasOwn(steps, step) ? steps[step] : undefined;
  if (!run) throw new Error(`${step ? `no install step ${step}` : 'which install step?'} (one of: ${Object.keys(steps).join(', ')})\nusage:\n${installUsage}`);
  await run(rest);
}
