import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Role } from '../../shared/auth/roles.js';

// Debian's Chromium driven by playwright-core (no browser download), and what every screen test
// checks: no page error, no console error, no 404, no serious accessibility violation.

export const results = join(import.meta.dirname, '..', '..', 'test-results');
export const desktop = { width: 1280, height: 900 };
export const phone = { width: 390, height: 844 };

export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...extraArgs],
  });
}

/** Collects what went wrong on a page; `expected` statuses (a 422 a test provokes) are not problems. */
export function watch(page: Page, expected: number[] = []) {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // Chromium logs every non-2xx answer as a console error; those are judged by status below.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && !expected.includes(r.status())) problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return problems;
}

/** A person's own browser context at `url` (the box's, with the screen's hash), signed in as `role` through the dev issuer's page. */
export async function signInAt(browser: Browser, url: string, role: Role, expected: number[] = []) {
  const context = await browser.newContext({ viewport: desktop });
  const page = await context.newPage();
  const problems = watch(page, expected);
  await page.goto(url);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.click(`a.user[data-role="${role}"]`);
  return { context, page, problems };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core in the page: the serious and critical violations, as "rule: target" lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // evaluate, not an inline <script>: the workspace's CSP (gateway/security-headers.ts) refuses inline scripts.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: Document, o: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
  });
}

/** Screenshots at desktop and phone width (test-results/<name>.png, <name>-phone.png), axe at both. */
export async function inspect(page: Page, name: string): Promise<void> {
  mkdirSync(results, { recursive: true });
  const size = page.viewportSize() ?? desktop;
  await page.setViewportSize(desktop);
  await page.screenshot({ path: join(results, `${name}.png`), fullPage: true });
  expect(await seriousViolations(page), `axe on ${name} (desktop)`).toEqual([]);
  await page.setViewportSize(phone);
  await page.screenshot({ path: join(results, `${name}-phone.png`), fullPage: true });
  expect(await seriousViolations(page), `axe on ${name} (phone)`).toEqual([]);
  await page.setViewportSize(size);
}
