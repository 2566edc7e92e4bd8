import { describe, expect, it } from 'vitest';
import { maxDeliver, verdict } from './retry-policy.js';

describe('connector retry policy', () => {
  it('acks a 2xx', () => expect(verdict(200, 1, '')).toEqual({ action: 'ack' }));

  it('retries a 5xx, a timeout or an auth hiccup with growing delays', () => {
    const d1 = verdict(503, 1, '');
    const d3 = verdict(undefined, 3, 'timeout');
    expect(d1).toMatchObject({ action: 'retry' });
    expect(d3).toMatchObject({ action: 'retry' });
    if (d1.action === 'retry' && d3.action === 'retry') expect(d3.delayMs).toBeGreaterThan(d1.delayMs);
    expect(verdict(401, 1, '')).toMatchObject({ action: 'retry' });
  });

  it('dead-letters a refused (poison) event at once, with the reason', () => {
    expect(verdict(400, 1, 'bad envelope')).toEqual({ action: 'dead-letter', reason: 'refused with 400: bad envelope' });
  });

  it('dead-letters after the last delivery', () => {
    expect(verdict(500, maxDeliver, 'boom')).toMatchObject({ action: 'dead-letter' });
  });

  it('keeps retrying a function that says so for as many deliveries as it allows, at the longest delay', () => {
    const late = verdict(503, 100, 'storage down', 1500);
    expect(late).toMatchObject({ action: 'retry' });
    if (late.action === 'retry') expect(late.delayMs).toBe(60_000);
    expect(verdict(503, 1500, 'storage down', 1500)).toMatchObject({ action: 'dead-letter' });
    expect(verdict(400, 1, 'bad', 1500)).toMatchObject({ action: 'dead-letter' });
  });
});
