import { readFileSync } from 'node:fs';

// OpenFaaS mounts secrets as files; locally the same value comes from the environment.
const secretsDir = process.env.SECRETS_DIR ?? '/var/openfaas/secrets';

export function secret(fileName: string, envName: string): string | undefined {
  try {
    return readFileSync(`${secretsDir}/${fileName}`, 'utf8').trim();
  } catch {
    return process.env[envName];
  }
}
