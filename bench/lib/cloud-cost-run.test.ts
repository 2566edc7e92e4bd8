import { describe, expect, it } from 'vitest';
import { cloudCostOfRun, functionLoads, orderPath } from './cloud-cost-run.js';
import type { StepReport } from './measured-step.js';
import type { RunFacts } from './report.js';
import { summarize } from './stats.js';

// A step as measuredStep reports it, with only what the cost reads filled in (200 orders at 10/s).
const at = (ms: number) => summarize([ms]);
const step = {
  rate: 10,
  orders: 200,
  pass: true,
  commitsPerOrder: 9.5,
  createMs: at(20),
  payAnswerMs: at(15),
  hops: {
    'client send delay (due -> sent)': at(2),
    'reserve-stock: tx start -> stock_reserved stored': at(6),
    'create-invoice: tx start -> invoice_created stored': at(5),
    'create-invoice: invoice_created -> status invoiced stored (one transaction)': at(1),
  },
  documents: { rendered: 220, renderSeconds: 1.32, msPerDocument: 6, byKind: {} },
  cpuSeconds: {
    'create-order': 0.6,
    'record-payment': 0.5,
    'reserve-stock': 0.8,
    'create-invoice': 0.7,
    'render-document': 2.2,
    postgres: 3,
    'project-to-olap': 9,
  },
} as unknown as StepReport;
const facts = (steps: StepReport[]) =>
  ({ steps, throughput: { attempts: [] }, cold: [{ name: 'create-order', bytes: 1, coldMs: [300, 320, 310], rssKb: 1 }] }) as unknown as RunFacts;

describe("the bench's cloud cost", () => {
  it("takes the order path's CPU, wall time, memory and way in from the step and stack.yml", () => {
    const byName = Object.fromEntries(functionLoads(facts([step]), step).map((f) => [f.name, f]));
    expect(Object.keys(byName)).toEqual([...orderPath]);
    expect(byName['create-order']).toMatchObject({ via: 'api', cpuMsPerOrder: 3, wallMsPerInvocation: 18, memoryMb: 128, coldStartMs: 310 });
    expect(byName['record-payment']).toMatchObject({ via: 'api', cpuMsPerOrder: 2.5, wallMsPerInvocation: 15 });
    expect(byName['reserve-stock']).toMatchObject({ via: 'reaction', cpuMsPerOrder: 4, wallMsPerInvocation: 6 });
    expect(byName['create-invoice']).toMatchObject({ via: 'reaction', wallMsPerInvocation: 6 });
    // 220 documents for 200 orders (credit notes, reminders): 1.1 invocations per order, 192 MB from stack.yml
    expect(byName['render-document']).toMatchObject({ via: 'reaction', invocationsPerOrder: 1.1, cpuMsPerOrder: 11, wallMsPerInvocation: 6, memoryMb: 192 });
  });

  it('costs the step that held at three monthly volumes, and nothing when no flow step ran', () => {
    const c = cloudCostOfRun(facts([step]))!;
    expect(c.rate).toBe(10);
    expect(c.byVolume.map((v) => v.ordersPerMonth)).toEqual([100_000, 1_000_000, 10_000_000]);
    expect(c.byVolume[0]!.variableCents).toBe(c.byVolume[2]!.variableCents);
    expect(c.byVolume[0]!.fixedCentsPerMillion).toBe(c.byVolume[1]!.fixedCentsPerMillion * 10);
    expect(cloudCostOfRun(facts([]))).toBeUndefined();
  });
});
