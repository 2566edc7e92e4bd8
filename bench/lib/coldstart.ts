import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readServicesFile, type ServiceSpecs } from '../../runtime/box/services-file.js';
import { listeningMessage } from '../../shared/lifecycle.js';
import { cannotMeasure, OutputTail } from './fail.js';
import { rssKbOf } from './memory.js';
import { now, sleep } from './stats.js';
// @ts-expect-error: plain JS build script
import { startOutputs } from '../../esbuild.config.mjs';

export interface ColdStart {
  name: string;
  bytes: number;
  /** What a start reads: index.js and the chunks it imports at once (esbuild.config.mjs, startOutputs); `bytes` is index.js alone. */
  startBytes: number;
  coldMs: number[];
  /** CPU ms each start spent up to its first 200 (every thread's): on a shared machine the wall time also
   *  counts waiting for a core, this only the start's own work. */
  cpuMs: number[];
  /** RSS right after the first 200, before any request of work. */
  rssKb: number;
}

function healthy(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/_/health', timeout: 500 }, (res) => {
      res.resume();
      ok(res.statusCode === 200);
    });
    req.on('error', () => ok(false));
    req.on('timeout', () => req.destroy());
  });
}

/** CPU time of every thread of a live process, ms (/proc/<pid>/task/<tid>/schedstat: ns on a CPU). */
function cpuMsOf(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return ns / 1e6;
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      done();
    });
    child.kill('SIGTERM');
  });
}

const ended = (c: ChildProcess) => (c.signalCode ? `killed by ${c.signalCode}` : `exited with code ${c.exitCode}`);

/**
 * One start as the box's supervisor does it (runtime/box/supervisor.ts): its command, args and env, PORT=0
 * and an IPC channel on which the process says where it listens; then polls /_/health there.
 */
async function startOnce(name: string, spec: ServiceSpecs[string], olapFile: string, rss: boolean): Promise<{ ms: number; cpuMs: number; rssKb: number }> {
  const started = now();
  const child = spawn(spec.command, spec.args, {
    // LOG_LEVEL warn: the start's own lines cost time the box does not spend at its default level either way.
    env: { ...process.env, ...spec.env, PORT: String(spec.port ?? 0), OLAP_FILE: olapFile, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output = new OutputTail().follow(child.stdout, child.stderr);
  let port = spec.port;
  child.on('message', (m) => (port ??= listeningMessage(m)));
  try {
    const deadline = started + 20_000;
    while (child.exitCode === null && child.signalCode === null) {
      if (port !== undefined && (await healthy(port))) {
        const ms = now() - started;
        const cpuMs = cpuMsOf(child.pid!);
        const rssKb = rss ? (rssKbOf(child.pid!) ?? 0) : 0;
        if (rss && rssKb <= 0) cannotMeasure(`the RSS of ${name} after its cold start`, `no VmRSS in /proc/${child.pid}/status`, output.toString());
        return { ms, cpuMs, rssKb };
      }
      if (now() > deadline) cannotMeasure(`the cold start of ${name}`, `no 200 on /_/health within 20 s (port ${port ?? 'never said'})`, output.toString());
      await sleep(2);
    }
    await sleep(50); // the last lines it wrote
    return cannotMeasure(`the cold start of ${name}`, `${ended(child)} before answering /_/health`, output.toString());
  } finally {
    await stop(child);
  }
}

/** The function bundles the box runs (build/functions/<name>/index.js), as <data>/services.json has them. */
export function functionSpecs(dataDir: string): [string, ServiceSpecs[string], string][] {
  const specs = readServicesFile(join(dataDir, 'services.json'));
  const out: [string, ServiceSpecs[string], string][] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const bundle = spec.args.find((a) => a.endsWith(join('build', 'functions', name, 'index.js')));
    if (bundle) out.push([name, spec, bundle]);
  }
  if (!out.length) cannotMeasure('cold starts', `no function bundle in ${join(dataDir, 'services.json')}`);
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

/** Bytes of the output files a start of the bundle reads, from the metafile the build writes beside it. */
function startBytesOf(bundle: string): number {
  const metafile = JSON.parse(readFileSync(bundle.replace(/\.js$/, '.meta.json'), 'utf8')) as { outputs: Record<string, { bytes: number }> };
  return (startOutputs as (m: unknown) => string[])(metafile).reduce((sum, f) => sum + metafile.outputs[f]!.bytes, 0);
}

/** Spawns every function bundle of the box, one at a time while the box idles, timing spawn -> first 200 on /_/health. */
export async function coldStarts(dataDir: string, repeats: number): Promise<ColdStart[]> {
  const olapDir = mkdtempSync(join(tmpdir(), 'erpbi-bench-cold-'));
  const out: ColdStart[] = [];
  try {
    for (const [name, spec, bundle] of functionSpecs(dataDir)) {
      const entry: ColdStart = { name, bytes: statSync(bundle).size, startBytes: startBytesOf(bundle), coldMs: [], cpuMs: [], rssKb: 0 };
      for (let k = 0; k < repeats; k++) {
        // The projector's own file: the box's is open (DuckDB takes one writer).
        const start = await startOnce(name, spec, join(olapDir, `cold-${k}.duckdb`), k === 0);
        entry.coldMs.push(start.ms);
        entry.cpuMs.push(start.cpuMs);
        if (k === 0) entry.rssKb = start.rssKb;
      }
      out.push(entry);
    }
  } finally {
    rmSync(olapDir, { recursive: true, force: true });
  }
  return out;
}
