import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';

// Where each process of the box listens ({name: port}), for the gateway: every (re)start of a process
// listens on a port the OS picks (runtime/supervisor.ts), and the gateway follows this file.
const ports = z.record(z.string(), z.number().int().min(1).max(65535));
export type Ports = z.infer<typeof ports>;

/** Written whole under another name, then renamed: a reader never sees half a file. */
export function writePortsFile(file: string, value: Ports): void {
  writeFileSync(`${file}.tmp`, JSON.stringify(value, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
}

export function readPortsFile(file: string): Ports {
  return ports.parse(JSON.parse(readFileSync(file, 'utf8')));
}
