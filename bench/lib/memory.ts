import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { boxLog, cannotMeasure } from './fail.js';
import { dataDir } from './options.js';

// Resident memory of every process of a box, read from /proc. Postgres is the postmaster plus its
// children (backends, checkpointer, walwriter...). RSS counts shared pages (Postgres' shared buffers,
// node's mapped binary) once per process, so the box total of RSS overstates; PSS splits shared pages
// between the processes that map them and adds up honestly.
export interface ProcMem {
  rssKb: number;
  pssKb: number;
  procs: number;
}
export type BoxMem = Record<string, ProcMem>;

function field(text: string, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // gone
  }
}

/** VmRSS of one process in kB; undefined when it is gone. */
export function rssKbOf(pid: number): number | undefined {
  const status = read(`/proc/${pid}/status`);
  return status === undefined ? undefined : field(status, 'VmRSS');
}

/** RSS and PSS of one process; undefined when it is gone. A process there without the figures stops the run. */
function one(pid: number, name: string): { rssKb: number; pssKb: number } | undefined {
  const status = read(`/proc/${pid}/status`);
  const rollup = read(`/proc/${pid}/smaps_rollup`);
  if (status === undefined || rollup === undefined) return undefined;
  const rssKb = field(status, 'VmRSS');
  const pssKb = field(rollup, 'Pss');
  if (rssKb <= 0 || pssKb <= 0) cannotMeasure(`the memory of ${name}`, `pid ${pid}: VmRSS ${rssKb} kB, Pss ${pssKb} kB`);
  return { rssKb, pssKb };
}

function childrenOf(parent: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(join('/proc', d, 'stat'), 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) out.push(Number(d));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

export function readPids(dataDir: string): Record<string, number> {
  const raw = JSON.parse(readFileSync(join(dataDir, 'pids.json'), 'utf8')) as Record<string, number | null>;
  return Object.fromEntries(Object.entries(raw).filter((e): e is [string, number] => typeof e[1] === 'number'));
}

export function sampleBox(pids: Record<string, number>): BoxMem {
  const mem: BoxMem = {};
  for (const [name, pid] of Object.entries(pids)) {
    const group = name === 'postgres' ? [pid, ...childrenOf(pid)] : [pid];
    const total = { rssKb: 0, pssKb: 0, procs: 0 };
    for (const p of group) {
      const m = one(p, name);
      // A Postgres backend may end between the listing and the read; the process named in pids.json may not.
      if (!m && p === pid) cannotMeasure(`the memory of ${name}`, `pid ${pid} (pids.json) is gone: it exited or was restarted`, boxLog(dataDir, name));
      if (!m) continue;
      total.rssKb += m.rssKb;
      total.pssKb += m.pssKb;
      total.procs += 1;
    }
    mem[name] = total;
  }
  return mem;
}

export function totalOf(mem: BoxMem): ProcMem {
  return Object.values(mem).reduce((a, m) => ({ rssKb: a.rssKb + m.rssKb, pssKb: a.pssKb + m.pssKb, procs: a.procs + m.procs }), {
    rssKb: 0,
    pssKb: 0,
    procs: 0,
  });
}

/** Samples every `everyMs` and keeps each process's peak and the peak of the box total. */
export class PeakTracker {
  readonly peak: BoxMem = {};
  peakTotal: ProcMem = { rssKb: 0, pssKb: 0, procs: 0 };
  private timer: NodeJS.Timeout | undefined;
  /** A sample that failed on the timer: stop() throws it, the run does not carry on without it. */
  private failed: Error | undefined;

  constructor(private readonly pids: Record<string, number>) {}

  sample(): void {
    const mem = sampleBox(this.pids);
    for (const [name, m] of Object.entries(mem)) {
      const p = (this.peak[name] ??= { rssKb: 0, pssKb: 0, procs: 0 });
      p.rssKb = Math.max(p.rssKb, m.rssKb);
      p.pssKb = Math.max(p.pssKb, m.pssKb);
      p.procs = Math.max(p.procs, m.procs);
    }
    const t = totalOf(mem);
    if (t.pssKb > this.peakTotal.pssKb) this.peakTotal = t;
  }

  start(everyMs = 1000): void {
    this.stop();
    this.timer = setInterval(() => {
      try {
        this.sample();
      } catch (e) {
        this.failed ??= e as Error;
      }
    }, everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.failed) throw this.failed;
  }
}
