import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { costMarkdown, docsEnd, docsFile, docsStart, generated } from './cloud-cost-doc.js';
import { quotes, scenarios } from './cloud-cost-latest.js';

const benchmarks = readFileSync(join(import.meta.dirname, '..', '..', 'BENCHMARKS.md'), 'utf8').split('\n');

describe("docs/scale-out.md's cost per million orders", () => {
  it('is what cloud-cost.ts computes (node --import tsx bench/lib/cloud-cost-doc.ts writes it)', () => {
    const text = readFileSync(docsFile, 'utf8');
    expect(text, 'docs/scale-out.md is behind bench/lib/cloud-cost*.ts').toBe(generated());
    expect(text.slice(text.indexOf(docsStart), text.indexOf(docsEnd) + docsEnd.length)).toBe(costMarkdown());
    for (const s of scenarios) expect(text, s.title).toContain(`**${s.title}**`);
  });

  it.each(quotes.map((q) => [q.text, q.line] as const))('takes %s from the BENCHMARKS.md line with "%s"', (text, line) => {
    const on = benchmarks.filter((l) => l.includes(line) && l.includes(text));
    expect(on.length, `no line of BENCHMARKS.md holds both "${line}" and "${text}": take the figure again (bench/lib/cloud-cost-latest.ts)`).toBeGreaterThan(0);
  });
});
