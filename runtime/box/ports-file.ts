import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeJsonFile } from './json-file.js';

// Where each process of the box listens ({name: port}), for the gateway and the connector (which calls
// the functions directly: triggers/function-urls.ts): every (re)start of a process listens on a port the
// OS picks (runtime/box/supervisor.ts), and both follow this file.
const ports = z.record(z.string(), z.number().int().min(1).max(65535));
export type Ports = z.infer<typeof ports>;

export function writePortsFile(file: string, value: Ports): void {
  writeJsonFile(file, value);
}

export function readPortsFile(file: string): Ports {
  return ports.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/**
 * The file's value as it is now, re-read every `everyMs`. Not fs.watchFile: its first stat, the baseline
 * it compares against, runs on the thread pool after the first read, so a write landing in between is
 * never reported; when that was the last process to say its port (a loaded CI box starting 17 at once),
 * the gateway's /healthz stayed 503 for good while every process was up. Re-reading a file this small
 * four times a second costs nothing and cannot miss the last write.
 */
export function followPortsFile(file: string, everyMs = 250): { current: () => Ports; stop: () => void } {
  let value = readPortsFile(file);
  const timer = setInterval(() => {
    try {
      value = readPortsFile(file);
    } catch {
      // gone for a moment (the box stopping): keep the last whole value
    }
  }, everyMs);
  return { current: () => value, stop: () => clearInterval(timer) };
}
