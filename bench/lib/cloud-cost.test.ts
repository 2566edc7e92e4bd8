import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { billedMs, cloudCost, type CostInput, type FunctionLoad } from './cloud-cost.js';
import { prices } from './cloud-cost-prices.js';

const fn = (over: Partial<FunctionLoad> = {}): FunctionLoad => ({
  name: 'create-order',
  via: 'api',
  invocationsPerOrder: 1,
  cpuMsPerOrder: 10,
  wallMsPerInvocation: 50,
  memoryMb: 1769,
  ...over,
});
const input = (over: Partial<CostInput> = {}): CostInput => ({
  functions: [fn()],
  commitsPerOrder: 10,
  ordersPerMonth: 1_000_000,
  architecture: 'arm64',
  nats: 'synadia',
  coldShare: 0,
  ...over,
});

describe('billed duration', () => {
  it('is the wall time at one vCPU or more, never less than the CPU', () => {
    expect(billedMs(fn({ memoryMb: 1769 }))).toBe(50);
    expect(billedMs(fn({ memoryMb: 3008, cpuMsPerOrder: 80 }))).toBe(80);
  });

  it('stretches the CPU by the vCPU share below 1,769 MB, rounded up to the ms', () => {
    // 128 MB: 1769/128 = 13.8 times slower CPU; 20 ms wall + 10 ms CPU x 12.82 = 148.2 -> 149
    expect(billedMs(fn({ memoryMb: 128, wallMsPerInvocation: 20 }))).toBe(149);
  });

  it('splits the CPU of an order over its invocations', () => {
    expect(billedMs(fn({ invocationsPerOrder: 2, cpuMsPerOrder: 20, wallMsPerInvocation: undefined }))).toBe(10);
  });
});

describe('cost per million orders', () => {
  it('adds up by hand: one function at 1,769 MB, 50 ms, two API calls, the fixed month at 1M orders', () => {
    const c = cloudCost(input({ functions: [fn(), fn({ name: 'record-payment' })] }));
    // each: 1e6 x 0.050 s x 1769/1024 GB = 86,377 GB-s x $0.0000133334 = $1.1517, + $0.20 requests = 135 cents
    expect(c.functions.map((f) => f.cents)).toEqual([135, 135]);
    expect(c.variable.map((l) => l.cents)).toEqual([270, 200]);
    // RDS 0.032 x 730 + 20 x 0.115 = $25.66; Synadia Starter $49; EC2 0.0168 x 730 + 20 x 0.08 = $13.86
    expect(c.fixed.map((f) => f.centsPerMonth)).toEqual([2566, 4900, 1386]);
    expect(c.fixedCentsPerMillion).toBe(8852);
    expect(c.totalCentsPerMillion).toBe(470 + 8852);
  });

  it('is the sum of its line items, and the fixed month spreads over the volume', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000, max: 50_000_000 }), fc.double({ min: 0, max: 500, noNaN: true }), (orders, cpu) => {
        const c = cloudCost(input({ ordersPerMonth: orders, functions: [fn({ cpuMsPerOrder: cpu })] }));
        expect(c.variableCents).toBe(c.variable.reduce((a, l) => a + l.cents, 0));
        expect(c.fixedCentsPerMonth).toBe(c.fixed.reduce((a, l) => a + l.centsPerMonth, 0));
        expect(c.totalCentsPerMillion).toBe(c.variableCents + c.fixedCentsPerMillion);
        expect(Math.abs(c.fixedCentsPerMillion - (c.fixedCentsPerMonth * 1e6) / orders)).toBeLessThanOrEqual(0.5);
      }),
    );
  });

  it('never falls when a function takes more CPU, and arm64 is never dearer than x86', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.double({ min: 0, max: 500, noNaN: true }),
        fc.integer({ min: 128, max: 10240 }),
        (a, b, mem) => {
          const [lo, hi] = a < b ? [a, b] : [b, a];
          const at = (cpu: number, architecture: CostInput['architecture']) =>
            cloudCost(input({ architecture, functions: [fn({ cpuMsPerOrder: cpu, memoryMb: mem })] })).variableCents;
          expect(at(hi, 'arm64')).toBeGreaterThanOrEqual(at(lo, 'arm64'));
          expect(at(hi, 'x86')).toBeGreaterThanOrEqual(at(hi, 'arm64'));
        },
      ),
    );
  });

  it('bills the cold starts of the cold share', () => {
    const warm = cloudCost(input({ functions: [fn({ coldStartMs: 500 })] }));
    const cold = cloudCost(input({ coldShare: 1, functions: [fn({ coldStartMs: 500 })] }));
    // every invocation 50 + 500 ms instead of 50: 11 times the duration
    const duration = (c: typeof warm) => c.functions[0]!.cents - Math.round(prices.lambda.perMillionRequests * 100);
    expect(Math.abs(duration(cold) - duration(warm) * 11)).toBeLessThanOrEqual(6); // cents rounded once each
    expect(cold.functions[0]!.gbSecondsPerMillionOrders).toBeCloseTo(warm.functions[0]!.gbSecondsPerMillionOrders * 11, 6);
  });

  it('self-run NATS is three small instances instead of the plan', () => {
    const c = cloudCost(input({ nats: 'self-run' }));
    expect(c.fixed[1]!.item).toContain('3 x EC2');
    expect(c.fixed[1]!.centsPerMonth).toBe(4159); // 3 x (0.0168 x 730 + 20 x 0.08) = $41.59
  });

  it('says whether the RDS sizing carries the month peak hour', () => {
    expect(cloudCost(input({ ordersPerMonth: 1_000_000, commitsPerOrder: 10 })).capacity).toMatchObject({ rdsOrdersPerSecond: 30, fits: true });
    expect(cloudCost(input({ ordersPerMonth: 100_000_000, commitsPerOrder: 10 })).capacity.fits).toBe(false);
  });

  it('refuses figures it cannot use, naming them', () => {
    expect(() => cloudCost(input({ ordersPerMonth: 0 }))).toThrow(/ordersPerMonth/);
    expect(() => cloudCost(input({ commitsPerOrder: Number.NaN }))).toThrow(/commitsPerOrder/);
    expect(() => cloudCost(input({ coldShare: 2 }))).toThrow(/coldShare/);
    expect(() => cloudCost(input({ functions: [fn({ name: 'reserve-stock', memoryMb: 0 })] }))).toThrow(/reserve-stock/);
    expect(() => cloudCost(input({ functions: [fn({ name: 'render-document', cpuMsPerOrder: Number.NaN })] }))).toThrow(/render-document/);
  });
});
