import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../runtime/box/box.js';
import { now, sleep } from './stats.js';

export interface ColdStart {
  name: string;
  bytes: number;
  coldMs: number[];
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

function rssOf(pid: number): number {
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Spawns every bundle in build/functions (plus the connector) as the runtime would, timing spawn -> first 200 on /_/health. */
export async function coldStarts(root: string, env: Record<string, string>, repeats: number): Promise<ColdStart[]> {
  const dir = join(root, 'build', 'functions');
  const names = readdirSync(dir)
    .filter((n) => existsSync(join(dir, n, 'index.js')))
    .sort();
  const olapDir = mkdtempSync(join(tmpdir(), 'erpbi-bench-cold-'));
  const out: ColdStart[] = [];
  try {
    for (const name of names) {
      const file = join(dir, name, 'index.js');
      const entry: ColdStart = { name, bytes: statSync(file).size, coldMs: [], rssKb: 0 };
      for (let k = 0; k < repeats; k++) {
        const port = await freePort();
        const started = now();
        const child = spawn(process.execPath, [file], {
          env: { ...process.env, ...env, FUNCTION_NAME: name, PORT: String(port), OLAP_FILE: join(olapDir, `cold-${k}.duckdb`), LOG_LEVEL: 'warn' },
          stdio: 'ignore',
        });
        let ms = NaN;
        const deadline = started + 20_000;
        while (now() < deadline && child.exitCode === null) {
          if (await healthy(port)) {
            ms = now() - started;
            break;
          }
          await sleep(2);
        }
        if (k === 0 && child.pid) entry.rssKb = rssOf(child.pid);
        entry.coldMs.push(ms);
        await new Promise<void>((done) => {
          if (child.exitCode !== null) return done();
          const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
          child.once('exit', () => {
            clearTimeout(kill);
            done();
          });
          child.kill('SIGTERM');
        });
      }
      out.push(entry);
    }
  } finally {
    rmSync(olapDir, { recursive: true, force: true });
  }
  return out;
}
