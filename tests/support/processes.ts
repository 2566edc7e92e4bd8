import { readdirSync, readFileSync } from 'node:fs';

/**
 * Live processes that belong to the box with this data dir: its path in their command line (postgres
 * -D, nats-server -sd) or ERPBI_DATA=<dir> in their environment (every process the runtime starts
 * inherits the one startBox gives it). Zombies count as gone: they hold nothing.
 */
export function processesOf(dataDir: string): { pid: number; cmdline: string }[] {
  const found: { pid: number; cmdline: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const state = /\) (\S)/.exec(readFileSync(`/proc/${entry}/stat`, 'utf8'))?.[1];
      if (state === 'Z' || state === 'X') continue;
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (cmdline.includes(dataDir) || environ.includes(`ERPBI_DATA=${dataDir}`)) found.push({ pid: Number(entry), cmdline });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}
