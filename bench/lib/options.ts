import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// The bench's command line (`npm run bench [-- --quick] [-- --rates=10,50,200] [-- --keep] ...`) and
// the settings it derives: one reading of process.argv for every part of the run.

export const root = join(import.meta.dirname, '..', '..');
const args = process.argv.slice(2);
export const flag = (name: string) => args.includes(`--${name}`);
export const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
export const quick = flag('quick');
export const cfg = {
  quick,
  rates: (option('rates') ?? (quick ? '10,25,50,75,100,150' : '10,25,50,75,100,150,200,300,400,600')).split(',').map(Number),
  stepSeconds: Number(option('step') ?? (quick ? 8 : 20)),
  drainMs: Number(option('drain') ?? (quick ? 15_000 : 30_000)),
  sustainSeconds: Number(option('sustain') ?? (quick ? 20 : 60)),
  sloMs: 2000,
  pgbenchSeconds: quick ? 10 : 20,
  coldRepeats: quick ? 1 : 3,
  olapSizes: (option('olap') ?? (quick ? '10000' : '100000')).split(',').filter(Boolean).map(Number),
  queryRepeats: quick ? 10 : 20,
  products: 50,
  customers: 200,
};
export const stamp = new Date().toISOString().replace(/[:.]/g, '-');
export const dataDir = option('data') ?? join('/tmp', `erpbi-bench-${stamp}`);
export const profileDir = join(dataDir, 'profiles');
export const profiling = flag('profile');
export const say = (s: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
export const sh = (cmd: string, a: string[]) => {
  try {
    return execFileSync(cmd, a, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
};
