import cliProgress from 'cli-progress';

// Progress of the long CLI commands (backup, restore, rebuild-olap, import), always on stderr so that stdout
// keeps only the command's result (a path, a summary line) for scripts. On a terminal: a cli-progress
// bar redrawn in place. Anywhere else (a pipe, a log file, cron): plain lines at a modest cadence,
// with no control characters, so logs stay readable and greppable.

export type Unit = 'bytes' | 'events' | 'rows';

/** Where a task stands; `estimate` marks a total that is a guess (the size a pg_dump will have). */
export interface Reading {
  done: number;
  total: number;
  estimate: boolean;
  unit: Unit;
  elapsedMs: number;
  finished: boolean;
}

/** Units per second since the start; 0 until any time has passed. */
export function rate(done: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
}

/** Seconds left at the average rate so far; undefined while unknown (nothing done yet, or past an estimated total). */
export function secondsLeft(done: number, total: number, elapsedMs: number): number | undefined {
  if (done >= total) return done === total ? 0 : undefined;
  const perSecond = rate(done, elapsedMs);
  return perSecond > 0 ? (total - done) / perSecond : undefined;
}

/**
 * Whole percent, never 100 before the task says it finished: an estimated total can be reached
 * (or passed) while pg_dump is still writing.
 */
export function percent(r: Pick<Reading, 'done' | 'total' | 'finished'>): number {
  if (r.finished) return 100;
  if (r.total <= 0) return 0;
  return Math.min(99, Math.floor((r.done / r.total) * 100));
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (seconds <= 0) return '0s';
  if (seconds < 1) return '<1s';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function amount(n: number, unit: Unit): string {
  return unit === 'bytes' ? formatBytes(n) : String(Math.round(n));
}

/**
 * The text after the label, shared by the bar and the plain lines, e.g.
 * `1.2 MiB/~8.0 MiB (total estimated), 15%, 2.3 MiB/s, 3s left` or `34/34 events, 100%, 812 events/s, done in <1s`.
 */
export function summary(r: Reading): string {
  // Past an estimated total, the done amount is the best guess of the total there is.
  const total = r.estimate ? Math.max(r.total, r.done) : r.total;
  const counts =
    r.unit === 'bytes'
      ? `${formatBytes(r.done)}/${r.estimate ? '~' : ''}${formatBytes(total)}`
      : `${amount(r.done, r.unit)}/${r.estimate ? '~' : ''}${amount(total, r.unit)} ${r.unit}`;
  const perSecond = rate(r.done, r.elapsedMs);
  const speed = r.unit === 'bytes' ? `${formatBytes(perSecond)}/s` : `${Math.round(perSecond)} ${r.unit}/s`;
  const left = secondsLeft(r.done, r.total, r.elapsedMs);
  const time = r.finished ? `done in ${formatDuration(r.elapsedMs / 1000)}` : `${left === undefined ? '?' : formatDuration(left)} left`;
  return `${counts}${r.estimate ? ' (total estimated)' : ''}, ${percent(r)}%, ${speed}, ${time}`;
}

export function plainLine(label: string, r: Reading): string {
  return `${label}: ${summary(r)}`;
}

/**
 * When a non-terminal gets a line: at each new tenth of the total, or when `intervalMs` passed since
 * the last line. Reaching an exact total is left to the final line; the interval still shows that
 * the work goes on (pg_restore builds indexes after it has read the whole dump).
 */
export function lineDue(last: { tenth: number; atMs: number }, r: Reading, intervalMs = 5000): boolean {
  const tenth = Math.floor(percent(r) / 10);
  const reached = !r.estimate && r.done >= r.total;
  return (tenth > last.tenth && !reached) || r.elapsedMs - last.atMs >= intervalMs;
}

export interface Progress {
  /** The amount done so far (not an increment). */
  update(done: number): void;
  /** A better total once known (e.g. the dump's real size); `estimate: false` makes it exact. */
  setTotal(total: number, estimate?: boolean): void;
  /** Prints the final line and releases the terminal: what was done becomes the total (done = total, 100%). */
  finish(): void;
  /** On failure: releases the terminal and prints nothing more; the error says what happened. */
  stop(): void;
}

export interface ProgressOptions {
  total: number;
  unit: Unit;
  estimate?: boolean;
  /** stderr by default; a TTY gets the bar, anything else plain lines. */
  out?: Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean };
  /** Milliseconds; injected by tests. */
  now?: () => number;
  intervalMs?: number;
}

/** For library callers (and tests) that want no output: backup() and restore() default to it. */
export const noProgress: Progress = { update: () => {}, setTotal: () => {}, finish: () => {}, stop: () => {} };

export type StartProgress = (label: string, opts: ProgressOptions) => Progress;

export const startProgress: StartProgress = (label, opts) => {
  const out = opts.out ?? process.stderr;
  const now = opts.now ?? Date.now;
  const started = now();
  let done = 0;
  let total = opts.total;
  let estimate = opts.estimate ?? false;
  let over = false;
  const reading = (finished: boolean): Reading => ({ done, total, estimate, unit: opts.unit, elapsedMs: now() - started, finished });

  if (out.isTTY) {
    const bar = new cliProgress.SingleBar({
      stream: out as NodeJS.WritableStream,
      format: `${label} [{bar}] {summary}`,
      barsize: 25,
      // Its SIGINT handler would swallow the first Ctrl-C (the command would go on running). So nothing
      // may need restoring after a Ctrl-C: the cursor stays visible, and long lines are cut to the
      // terminal's width by the bar rather than by switching the terminal's wrapping off.
      gracefulExit: false,
      hideCursor: false,
      linewrap: true,
    });
    const draw = (finished: boolean) => {
      const r = reading(finished);
      bar.setTotal(Math.max(r.estimate ? Math.max(r.total, r.done) : r.total, 1));
      bar.update(finished ? bar.getTotal() : Math.min(r.done, bar.getTotal()), { summary: summary(r) });
    };
    bar.start(Math.max(total, 1), 0, { summary: summary(reading(false)) });
    return {
      update: (n) => {
        done = n;
        draw(false);
      },
      setTotal: (t, e = estimate) => {
        total = t;
        estimate = e;
        draw(false);
      },
      finish: () => {
        if (over) return;
        over = true;
        total = done;
        estimate = false;
        draw(true);
        bar.stop(); // draws the final state once more, then moves to the next line
      },
      stop: () => {
        if (over) return;
        over = true;
        bar.stop();
      },
    };
  }

  let last = { tenth: 0, atMs: 0 };
  const maybeLine = () => {
    const r = reading(false);
    if (!lineDue(last, r, opts.intervalMs)) return;
    last = { tenth: Math.floor(percent(r) / 10), atMs: r.elapsedMs };
    out.write(`${plainLine(label, r)}\n`);
  };
  return {
    update: (n) => {
      done = n;
      if (!over) maybeLine();
    },
    setTotal: (t, e = estimate) => {
      total = t;
      estimate = e;
    },
    finish: () => {
      if (over) return;
      over = true;
      total = done;
      estimate = false;
      out.write(`${plainLine(label, reading(true))}\n`);
    },
    stop: () => {
      over = true;
    },
  };
};

/** Runs `work` under `progress`: the final line on success, the terminal released either way. */
export async function tracked<T>(progress: Progress, work: (progress: Progress) => Promise<T>): Promise<T> {
  try {
    const result = await work(progress);
    progress.finish();
    return result;
  } finally {
    progress.stop();
  }
}
