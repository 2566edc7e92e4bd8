import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

// A runtime that was SIGKILLed (or crashed) stopped nothing. Its node children end by themselves when
// their IPC channel closes (shared/lifecycle.ts), but nats-server and postgres live on, holding the
// box's ports, data dirs and lock files, and the next start would collide with them. So the next start
// stops them first: the processes the previous run listed in pids.json (and postgres's own
// postmaster.pid) that are still alive AND are still this box's, as /proc shows them. A pid alone
// proves nothing: it may have been reused by any process since.

const pidsFile = z.record(z.string(), z.number().int().positive());

interface Proc {
  args: string[];
  /** undefined when /proc does not let us read it (another user's process, without root). */
  env: string[] | undefined;
  cwd: string | undefined;
}

/** What /proc says of a live process; undefined when it is gone or a zombie (which holds nothing). */
function inspect(pid: number): Proc | undefined {
  try {
    const state = /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
    if (state === 'Z' || state === 'X') return undefined;
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const read = <T>(f: () => T) => {
      try {
        return f();
      } catch {
        return undefined;
      }
    };
    return {
      args,
      env: read(() => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')),
      cwd: read(() => readlinkSync(`/proc/${pid}/cwd`)),
    };
  } catch {
    return undefined;
  }
}

/**
 * Whether a process is one the runtime of `dir` started: the box's processes carry ERPBI_DATA=<dir> in
 * their environment (runtime/box/main.ts sets it before starting any), and nats-server and postgres also name
 * a file or folder of it on their command line (-c <dir>/nats/nats-server.conf, -D <dir>/pg).
 */
export function startedFor(dir: string, proc: Proc): boolean {
  return proc.env?.includes(`ERPBI_DATA=${dir}`) === true || proc.args.some((a) => a === dir || a.startsWith(`${dir}/`));
}

/** Whether a process is an erpbi runtime on `dir`: its data dir is ERPBI_DATA or ./data, from where it was started.
 *  `npm start` and the tests' boxes run runtime/box/start.mjs (the runtime from its bundle); main.ts through tsx is the source run alike. */
function runtimeOf(dir: string, proc: Proc): boolean {
  if (!proc.args.some((a) => a.endsWith('runtime/box/main.ts') || a.endsWith('runtime/box/start.mjs'))) return false;
  const given = proc.env?.find((v) => v.startsWith('ERPBI_DATA='))?.slice('ERPBI_DATA='.length);
  return proc.cwd !== undefined && resolve(proc.cwd, given ?? './data') === dir;
}

const gone = (pid: number) => inspect(pid) === undefined;

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** The previous run's processes: pids.json, plus postmaster.pid (postgres may be killed with the runtime before pids.json names it). */
function previousRun(dir: string, say: (line: string) => void): [string, number][] {
  const found: [string, number][] = [];
  const file = join(dir, 'pids.json');
  if (existsSync(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      // cut short by the kill: said below
    }
    const pids = pidsFile.safeParse(parsed);
    if (pids.success) found.push(...Object.entries(pids.data));
    else say(`  ${file} is unreadable: the processes of the previous run are not looked for there`);
  }
  const postmaster = join(dir, 'pg', 'postmaster.pid');
  const pg = existsSync(postmaster) ? Number(readFileSync(postmaster, 'utf8').split('\n')[0]) : NaN;
  if (Number.isInteger(pg) && pg > 0 && !found.some(([, pid]) => pid === pg)) found.push(['postgres', pg]);
  return found;
}

const signal = (pid: number, sig: NodeJS.Signals) => {
  try {
    process.kill(pid, sig);
  } catch {
    // gone meanwhile
  }
};

/**
 * Stops what the previous run on `dir` left running, saying each; refuses (throws) when that run's
 * runtime itself is still alive: then the box is running, and its processes are not leftovers.
 */
export async function stopLeftovers(dir: string, say: (line: string) => void, timeoutMs = 15_000): Promise<string[]> {
  const previous = previousRun(dir, say);
  for (const [name, pid] of previous) {
    if (name !== 'runtime' || pid === process.pid) continue;
    const proc = inspect(pid);
    if (proc && runtimeOf(dir, proc)) throw new Error(`erpbi already runs on ${dir} (pid ${pid}): stop it first, or set ERPBI_DATA to another folder`);
  }
  const left = previous.filter(([name, pid]) => {
    if (name === 'runtime' || pid === process.pid) return false;
    const proc = inspect(pid);
    return proc !== undefined && startedFor(dir, proc);
  });
  if (left.length === 0) return [];
  say(`  the previous run on ${dir} ended without stopping ${left.map(([name]) => name).join(', ')}: stopping them`);
  // postgres: SIGINT is its fast shutdown (SIGTERM would wait for clients that may never leave).
  for (const [name, pid] of left) signal(pid, name === 'postgres' ? 'SIGINT' : 'SIGTERM');
  if (!(await until(() => left.every(([, pid]) => gone(pid)), timeoutMs))) {
    for (const [name, pid] of left) {
      if (gone(pid)) continue;
      say(`  ${name} (pid ${pid}) did not stop within ${timeoutMs / 1000} s: SIGKILL`);
      signal(pid, 'SIGKILL');
    }
    await until(() => left.every(([, pid]) => gone(pid)), 5000);
  }
  for (const [name, pid] of left)
    say(gone(pid) ? `  stopped ${name} (pid ${pid}), left running by the previous run` : `  ${name} (pid ${pid}) is still running`);
  return left.filter(([, pid]) => gone(pid)).map(([name]) => name);
}
