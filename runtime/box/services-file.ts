import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { ProcessSpec } from './supervisor.js';
import { writeJsonFile } from './json-file.js';

// How the box spawns each service ({name: {command, args, env, port?}}): the env is only what the box adds
// to its own environment (each function's NATS user and password, its role's DATABASE_URL, PGAPPNAME,
// object storage, company profile...). Written for the bench, which must start a bundle exactly as the box
// does (bench/lib/coldstart.ts): a copy of the env by hand fell behind the least-privilege work and every
// cold start died unseen. It holds passwords, like box.json: mode 0600.
const spec = z.object({
  command: z.string(),
  args: z.array(z.string()),
  env: z.record(z.string(), z.string()),
  port: z.number().int().optional(),
});
const services = z.record(z.string(), spec);
export type ServiceSpecs = z.infer<typeof services>;

export function writeServicesFile(file: string, specs: ProcessSpec[]): void {
  const value: ServiceSpecs = Object.fromEntries(specs.map(({ name, ...rest }) => [name, rest]));
  writeJsonFile(file, value, 0o600);
}

export function readServicesFile(file: string): ServiceSpecs {
  return services.parse(JSON.parse(readFileSync(file, 'utf8')));
}
