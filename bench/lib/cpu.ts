import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { boxLog, cannotMeasure } from './fail.js';
import { dataDir } from './options.js';

// CPU seconds used by each process group of a box, from /proc/<pid>/stat (utime + stime, in clock
// ticks of 1/100 s). Postgres: the postmaster with its exited children (cutime/cstime) plus live ones.
const tick = 100;

function stat(pid: number): number[] | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return s
      .slice(s.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
  } catch {
    return undefined;
  }
}

/** A process of the box that is gone cannot be measured: the run stops naming it, with its log's last lines. */
function statOf(name: string, pid: number, dir: string): number[] {
  return stat(pid) ?? cannotMeasure(`the CPU time of ${name}`, `pid ${pid} (pids.json) is gone: it exited or was restarted`, boxLog(dir, name));
}

function postgresTicks(postmaster: number, dir: string): number {
  const own = statOf('postgres', postmaster, dir);
  let total = own[11]! + own[12]! + own[13]! + own[14]!;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const f = stat(Number(d));
    if (f && f[1] === postmaster) total += f[11]! + f[12]!;
  }
  return total;
}

/** Each process group's CPU ticks; `dir` is the box's data dir, whose logs a failure quotes. */
export function cpuTicks(pids: Record<string, number>, dir = dataDir): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, pid] of Object.entries(pids)) {
    if (name === 'postgres') out[name] = postgresTicks(pid, dir);
    else {
      const f = statOf(name, pid, dir);
      out[name] = f[11]! + f[12]!;
    }
  }
  return out;
}

/** CPU seconds per group between two readings. */
export function cpuSeconds(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((k) => [k, Math.max(0, (after[k]! - (before[k] ?? 0)) / tick)]));
}

export function machineBusy(): { idle: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { idle: line[3]! + line[4]!, total: line.reduce((a, b) => a + b, 0) };
}

/** How busy the whole machine was between two machineBusy() readings, in percent. */
export function busyPct(before: { idle: number; total: number }, after: { idle: number; total: number }): number {
  return (1 - (after.idle - before.idle) / Math.max(1, after.total - before.total)) * 100;
}

export function readLoadAvg(): number {
  return Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);
}

export const procDir = (pid: number) => join('/proc', String(pid));
