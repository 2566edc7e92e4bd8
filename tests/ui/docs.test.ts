import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain JS build script
import { buildApiDocs } from '../../esbuild.config.mjs';
import { buildGateway } from '../../gateway/gateway.js';
import { launchChromium, watch } from '../support/browser.js';

// The API docs page (/docs, Swagger UI over /openapi.json) in Chromium, as the build writes it and the
// gateway serves it, under `Content-Security-Policy: default-src 'self'`: no inline script, nothing
// from another origin, every operation of the document on the page.

const root = join(import.meta.dirname, '..', '..');
const out = mkdtempSync(join(tmpdir(), 'erpbi-docs-ui-'));
let gateway: FastifyInstance;
let browser: Browser;
let base: string;

beforeAll(async () => {
  await (buildApiDocs as (o: { outDir: string; quiet: boolean }) => Promise<void>)({ outDir: out, quiet: true });
  copyFileSync(join(root, 'web', 'favicon.svg'), join(out, 'favicon.svg'));
  gateway = await buildGateway({ upstream: () => undefined, waiting: () => [], webDir: out });
  gateway.addHook('onSend', async (_req, reply) => void reply.header('content-security-policy', "default-src 'self'"));
  base = await gateway.listen({ host: '127.0.0.1', port: 0 });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await gateway?.close();
  rmSync(out, { recursive: true, force: true });
});

describe('the API docs page', () => {
  it('shows every operation of /openapi.json under a same-origin CSP', async () => {
    const doc = JSON.parse(readFileSync(join(out, 'openapi.json'), 'utf8')) as { paths: Record<string, object> };
    const operations = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
    const page = await browser.newPage();
    const problems = watch(page);
    const origins = new Set<string>();
    page.on('request', (r) => void origins.add(new URL(r.url()).origin));
    await page.goto(`${base}/docs`);
    await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.opblock').count()).toBe(operations);
    // Swagger UI lists what it cannot read of a document (errors, unsupported fields) in this box.
    expect(await page.locator('.errors-wrapper').allInnerTexts()).toEqual([]);
    await expect.poll(() => page.getByRole('button', { name: /authorize/i }).count()).toBeGreaterThan(0);
    expect([...origins]).toEqual([base]);
    // swagger-ui.css draws a few icons as data: images, which `default-src 'self'` blocks: cosmetic only.
    expect(problems.filter((p) => !/Loading the image 'data:image\/svg\+xml/.test(p))).toEqual([]);
    await page.close();
  });
});
