import { launchChromium } from '../../tests/support/browser.js';
// @ts-expect-error: plain JS build script
import { webSizes } from '../../esbuild.config.mjs';
import { now, summarize, type Summary } from './stats.js';

export interface WorkspaceResult {
  initialKb: number;
  lazyKb: number;
  /** Click on the demo user -> the orders list of the box drawn (token exchange, boot, first read). */
  signInToOrdersMs: Summary;
  /** The Dashboard link -> every panel drawn from its query (the chart chunk loaded on first use). */
  dashboardMs: Summary;
}

/**
 * The workspace in Debian's Chromium against the bench box, after the flow left it thousands of orders:
 * each run is a new browser context (a new person, nothing cached), signing in as the clerk.
 */
export async function measureWorkspace(url: string, runs: number): Promise<WorkspaceResult> {
  const browser = await launchChromium();
  const signIn: number[] = [];
  const dashboard: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${url}/`);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const user = page.locator('a.user[data-role="clerk"]');
      await user.waitFor();
      const t0 = now();
      await user.click();
      await page.locator('main table tbody tr').first().waitFor({ timeout: 30_000 });
      signIn.push(now() - t0);
      const t1 = now();
      await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
      await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.fresh')].every((e) => e.dataset.seq), undefined, { timeout: 30_000 });
      dashboard.push(now() - t1);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return { ...(webSizes as () => { initialKb: number; lazyKb: number })(), signInToOrdersMs: summarize(signIn), dashboardMs: summarize(dashboard) };
}
