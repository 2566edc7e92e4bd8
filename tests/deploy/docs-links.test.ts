import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './support.js';

// The repo stands alone: its documents link only to files it holds, and never outside the repository.
const documents = [
  'README.md',
  'RELIABILITY.md',
  'BENCHMARKS.md',
  ...readdirSync(join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

describe('the documents', () => {
  it.each(documents)('%s links only to files the repo holds', (doc) => {
    const text = readFileSync(join(root, doc), 'utf8');
    const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^(https?:|mailto:|#)/.test(t));
    for (const t of targets) {
      const file = join(root, dirname(doc), t.split('#')[0]!);
      expect(file.startsWith(root), `${doc} -> ${t} leaves the repository`).toBe(true);
      expect(existsSync(file), `${doc} -> ${t}`).toBe(true);
    }
    expect(text, `${doc} points outside the repository`).not.toMatch(/\.\.\/shared\//);
  });
});
