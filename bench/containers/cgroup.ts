import './project.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker } from '../../tests/containers/stack.js';

// What each container of the stack costs, read from its own cgroup (what `docker stats` reads too,
// without the seconds a `docker stats` call takes and the CPU it burns on a loaded machine). cgroup
// v1 (this machine: cgroupfs driver) and v2 both; a reading that cannot be had throws, naming it.

export interface Container {
  id: string;
  /** The compose service. */
  service: string;
  /** The container's first process, as the host sees it. */
  pid: number;
  memoryLimit: number;
  restarts: number;
  oomKilled: boolean;
  running: boolean;
}

interface Inspected {
  Id: string;
  RestartCount: number;
  Config: { Labels: Record<string, string> };
  State: { Running: boolean; Pid: number; OOMKilled: boolean };
  HostConfig: { Memory: number };
}

/** Every container of a compose project, by service (one `docker ps` + one `docker inspect`). */
export function containersOf(project: string): Record<string, Container> {
  const ids = docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${project}`])
    .split('\n')
    .filter(Boolean);
  if (!ids.length) return {};
  const out: Record<string, Container> = {};
  for (const s of JSON.parse(docker(['inspect', ...ids])) as Inspected[]) {
    const service = s.Config.Labels['com.docker.compose.service']!;
    out[service] = {
      id: s.Id,
      service,
      pid: s.State.Pid,
      memoryLimit: s.HostConfig.Memory,
      restarts: s.RestartCount,
      oomKilled: s.State.OOMKilled,
      running: s.State.Running,
    };
  }
  return out;
}

const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');

/** The directory of a container's cgroup for a v1 controller (cpuacct, memory) or v2's single tree. */
function cgroupDir(c: Container, controller: 'cpuacct' | 'memory'): string {
  let rel: string | undefined;
  try {
    for (const line of readFileSync(`/proc/${c.pid}/cgroup`, 'utf8').split('\n')) {
      const [, controllers, path] = line.split(':');
      if (v2 ? controllers === '' : controllers?.split(',').includes(controller)) rel = path;
    }
  } catch {
    // the process is gone or in another pid namespace: Docker's own layout below
  }
  const candidates = [
    ...(rel ? [v2 ? join('/sys/fs/cgroup', rel) : join('/sys/fs/cgroup', controller, rel)] : []),
    v2 ? `/sys/fs/cgroup/system.slice/docker-${c.id}.scope` : `/sys/fs/cgroup/${controller}/docker/${c.id}`,
  ];
  const dir = candidates.find((d) => existsSync(d));
  if (!dir) throw new Error(`no ${controller} cgroup for ${c.service} (${c.id.slice(0, 12)}): tried ${candidates.join(', ')}`);
  return dir;
}

const num = (file: string) => Number(readFileSync(file, 'utf8').trim());
const keyed = (file: string) =>
  Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [k, v] = l.split(' ');
        return [k!, Number(v)];
      }),
  );

/** CPU seconds the container's processes used so far (user + system). */
export function cpuSeconds(c: Container): number {
  const dir = cgroupDir(c, 'cpuacct');
  return v2 ? keyed(join(dir, 'cpu.stat')).usage_usec! / 1e6 : num(join(dir, 'cpuacct.usage')) / 1e9;
}

export interface MemoryReading {
  /** What `docker stats` shows: usage less the inactive file cache (reclaimable first). */
  workingSet: number;
  /** Resident memory of the processes: anonymous (heap, DuckDB's buffers) + mapped files, as an RSS counts. */
  rss: number;
  /** Everything charged to the cgroup, page cache included: what the limit is checked against. */
  usage: number;
  /** The cgroup's high-water mark of `usage` since the container started. */
  maxUsage: number;
  /** Times the kernel's OOM killer killed a process of this cgroup. */
  oomKills: number;
}

export function memory(c: Container): MemoryReading {
  const dir = cgroupDir(c, 'memory');
  if (v2) {
    const stat = keyed(join(dir, 'memory.stat'));
    const usage = num(join(dir, 'memory.current'));
    return {
      workingSet: usage - (stat.inactive_file ?? 0),
      rss: (stat.anon ?? NaN) + (stat.file_mapped ?? 0),
      usage,
      maxUsage: existsSync(join(dir, 'memory.peak')) ? num(join(dir, 'memory.peak')) : NaN,
      oomKills: keyed(join(dir, 'memory.events')).oom_kill ?? 0,
    };
  }
  const stat = keyed(join(dir, 'memory.stat'));
  const usage = num(join(dir, 'memory.usage_in_bytes'));
  return {
    workingSet: usage - (stat.total_inactive_file ?? 0),
    rss: (stat.total_rss ?? 0) + (stat.total_mapped_file ?? 0),
    usage,
    maxUsage: num(join(dir, 'memory.max_usage_in_bytes')),
    oomKills: keyed(join(dir, 'memory.oom_control')).oom_kill ?? 0,
  };
}

/** The peak resident set of the container's first process (VmHWM), as `ps`/`time -v` report an RSS. */
export function processPeakRss(c: Container): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${c.pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmHWM in /proc/${c.pid}/status (${c.service})`);
  return Number(m[1]) * 1024;
}

export const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
