import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Role } from '../../shared/auth/roles.js';
import { startBox, type Box } from './box.js';
import { launchChromium, signInAt } from './browser.js';
import { discardBox } from './discard-box.js';
import { natsUrl } from './nats.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

// What every workspace test file starts with: a box on a database of its own, Chromium to drive it,
// and one browser context per person signed in; close() in afterAll discards all of it.

export interface WorkspaceBox {
  box: Box;
  browser: Browser;
  /** A person's own browser context at `screen`, signed in as `role`; `expected` statuses are not problems. */
  signIn(role: Role, screen: string, expected?: number[]): Promise<{ context: BrowserContext; page: Page; problems: string[] }>;
  close(): Promise<void>;
}

export async function startWorkspaceBox(dbName: string): Promise<WorkspaceBox> {
  const contexts: BrowserContext[] = [];
  let db: TestDatabase | undefined;
  let box: Box | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await discardBox(box, db);
  };
  try {
    db = await createTestDatabase(dbName);
    box = await startBox({ databaseUrl: db.url, natsUrl });
    browser = await launchChromium();
  } catch (e) {
    await close(); // half set up: nothing may outlive the failed file
    throw e;
  }
  const started = { box, browser };
  return {
    ...started,
    async signIn(role, screen, expected = []) {
      const signedIn = await signInAt(started.browser, `${started.box.url}/#${screen}`, role, expected);
      contexts.push(signedIn.context);
      await signedIn.page.getByRole('button', { name: 'Sign out' }).waitFor();
      return signedIn;
    },
    close,
  };
}
