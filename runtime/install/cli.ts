import { parseArgs } from 'node:util';
import { installSteps } from './steps.js';

// `erpbi install <step>`: the steps of the installer (install.sh) that are TypeScript, each reading
// the installer's files and writing one of its own. install.sh runs them with the service image's
// Node (a blank Pi has none); those of steps.ts print ok/done and exit 3 when they changed something.

export { Changed } from './steps.js';

export const installUsage = `${Object.values(installSteps).map((s) => s.usage).join('\n')}
  install seaweedfs-identities --secrets DIR               SeaweedFS's S3 identities (DIR/seaweedfs-s3.json, 0600) from the six
                                                           s3-{writer,reader,admin}-{access-key-id,secret-access-key} files in DIR
  install storage-bucket                                   create the documents' bucket (S3_BUCKET at S3_ENDPOINT) with the admin key
                                                           pair (S3_KEYS=admin); one already there is fine
  (secrets, web-config, compose-override, web-root: --check or ERPBI_CHECK=1 reports only; exit 3 when something changed or would change)`;

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

const steps: Record<string, (args: string[]) => Promise<void>> = {
  'seaweedfs-identities': seaweedfsIdentitiesStep,
  'storage-bucket': storageBucketStep,
  ...Object.fromEntries(Object.entries(installSteps).map(([name, step]) => [name, (args: string[]) => step.run(args, installUsage)])),
};

export async function installCommand(args: string[]): Promise<void> {
  const [step, ...rest] = args;
  const run = step && Object.hasOwn(steps, step) ? steps[step] : undefined;
  if (!run) throw new Error(`${step ? `no install step ${step}` : 'which install step?'}\nusage:\n${installUsage}`);
  await run(rest);
}
