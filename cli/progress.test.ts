import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, lineDue, percent, plainLine, rate, secondsLeft, startProgress, type Reading } from './progress.js';

const reading = (r: Partial<Reading>): Reading => ({ done: 0, total: 100, estimate: false, unit: 'events', elapsedMs: 0, finished: false, ...r });

/** A non-TTY stream that keeps what is written, and a clock the test moves. */
function harness() {
  const written: string[] = [];
  let now = 1_000_000;
  return {
    out: { isTTY: false, write: (s: string) => written.push(s) > 0 },
    now: () => now,
    advance: (ms: number) => void (now += ms),
    lines: () => written.join('').split('\n').filter(Boolean),
    raw: () => written.join(''),
  };
}

describe('progress: rate and time left', () => {
  it('is the average rate since the start, and the rest at that rate', () => {
    expect(rate(500, 2000)).toBe(250);
    expect(rate(500, 0)).toBe(0);
    expect(secondsLeft(500, 2000, 2000)).toBe(6);
    expect(secondsLeft(0, 2000, 2000)).toBeUndefined(); // nothing done: unknown, not infinite
    expect(secondsLeft(2000, 2000, 2000)).toBe(0);
    expect(secondsLeft(2500, 2000, 2000)).toBeUndefined(); // past an estimated total
  });

  it('never says 100% before the task is finished', () => {
    expect(percent({ done: 999, total: 1000, finished: false })).toBe(99);
    expect(percent({ done: 1000, total: 1000, finished: false })).toBe(99);
    expect(percent({ done: 1000, total: 1000, finished: true })).toBe(100);
    expect(percent({ done: 0, total: 0, finished: false })).toBe(0);
  });

  it('formats sizes and durations', () => {
    expect([0, 1023, 1024, 1536, 5 * 1024 * 1024, 3 * 1024 ** 3].map(formatBytes)).toEqual(['0 B', '1023 B', '1.0 KiB', '1.5 KiB', '5.0 MiB', '3.0 GiB']);
    expect([0, 0.4, 7.4, 65, 3600 + 125].map(formatDuration)).toEqual(['0s', '<1s', '7s', '1m05s', '1h02m']);
  });
});

describe('progress: plain lines', () => {
  it('say done/total, percent, rate and time left', () => {
    expect(plainLine('rebuild-olap', reading({ done: 250, total: 1000, elapsedMs: 2000 }))).toBe('rebuild-olap: 250/1000 events, 25%, 125 events/s, 6s left');
    expect(plainLine('restore database', reading({ unit: 'bytes', done: 3 * 1024 * 1024, total: 4 * 1024 * 1024, elapsedMs: 3000 }))).toBe(
      'restore database: 3.0 MiB/4.0 MiB, 75%, 1.0 MiB/s, 1s left',
    );
  });

  it('mark an estimated total, and grow it when the work outgrows it', () => {
    expect(plainLine('backup', reading({ unit: 'bytes', done: 1024, total: 4096, estimate: true, elapsedMs: 1000 }))).toBe(
      'backup: 1.0 KiB/~4.0 KiB (total estimated), 25%, 1.0 KiB/s, 3s left',
    );
    expect(plainLine('backup', reading({ unit: 'bytes', done: 8192, total: 4096, estimate: true, elapsedMs: 1000 }))).toBe(
      'backup: 8.0 KiB/~8.0 KiB (total estimated), 99%, 8.0 KiB/s, ? left',
    );
  });

  it('are due at each new tenth or after the interval', () => {
    const last = { tenth: 2, atMs: 1000 };
    expect(lineDue(last, reading({ done: 29, elapsedMs: 2000 }))).toBe(false);
    expect(lineDue(last, reading({ done: 30, elapsedMs: 2000 }))).toBe(true);
    expect(lineDue(last, reading({ done: 29, elapsedMs: 6000 }))).toBe(true);
    expect(lineDue({ tenth: 0, atMs: 1000 }, reading({ done: 100, elapsedMs: 2000 }))).toBe(false); // reaching the total is the final line's
    expect(lineDue({ tenth: 9, atMs: 1000 }, reading({ done: 100, elapsedMs: 6000 }))).toBe(true); // ... unless the end takes a while
  });

  it('come at a modest cadence off a terminal, end with done = total, and carry no control characters', () => {
    const t = harness();
    const p = startProgress('rebuild-olap', { unit: 'events', total: 1000, out: t.out, now: t.now });
    for (let done = 10; done <= 1000; done += 10) {
      t.advance(20); // 50 updates a second: far more than a log wants
      p.update(done);
    }
    p.finish();
    const lines = t.lines();
    expect(lines).toHaveLength(10); // 10%, 20%, ... 90%, then the final line
    expect(lines[0]).toBe('rebuild-olap: 100/1000 events, 10%, 500 events/s, 2s left');
    expect(lines.at(-1)).toBe('rebuild-olap: 1000/1000 events, 100%, 500 events/s, done in 2s');
    // eslint-disable-next-line no-control-regex -- the point: no control character but the newline
    expect(t.raw()).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f]/);
  });

  it('print a line every interval when progress is slow, and nothing after a failure', () => {
    const t = harness();
    const p = startProgress('backup', { unit: 'bytes', total: 100 * 1024, estimate: true, out: t.out, now: t.now, intervalMs: 5000 });
    for (let s = 1; s <= 12; s++) {
      t.advance(1000);
      p.update(s * 512);
    }
    expect(t.lines()).toEqual([
      'backup: 2.5 KiB/~100.0 KiB (total estimated), 2%, 512 B/s, 3m15s left',
      'backup: 5.0 KiB/~100.0 KiB (total estimated), 5%, 512 B/s, 3m10s left',
    ]);
    p.stop();
    p.finish();
    expect(t.lines()).toHaveLength(2);
  });

  it('finish exact once a real total replaces the estimate', () => {
    const t = harness();
    const p = startProgress('backup', { unit: 'bytes', total: 10_000, estimate: true, out: t.out, now: t.now });
    t.advance(1000);
    p.update(2048);
    p.setTotal(4096, false);
    t.advance(1000);
    p.update(4096);
    p.finish();
    expect(t.lines().at(-1)).toBe('backup: 4.0 KiB/4.0 KiB, 100%, 2.0 KiB/s, done in 2s');
  });
});
