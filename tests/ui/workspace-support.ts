import type { Page } from 'playwright-core';

// The ways workspace.test.ts finds and works the screens, as a person does: by the main navigation's
// links, the main area's buttons and links by name, the live status, and the keyboard alone.

export const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
export const live = (page: Page) => page.waitForFunction(() => document.querySelector('#status')?.getAttribute('data-state') === 'live');
export const action = (page: Page, name: string) =>
  page
    .getByRole('main')
    .getByRole('button', { name, exact: true })
    .or(page.getByRole('main').getByRole('link', { name, exact: true }));

/** Presses Tab until the focused element is the control labelled `label` (or the button named so). */
export async function tabTo(page: Page, label: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const name = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement & { labels?: NodeListOf<HTMLLabelElement> };
      return (el.labels?.[0]?.textContent ?? el.textContent ?? '').trim();
    });
    if (name === label) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached "${label}"`);
}

/** Moves a focused <select> with the arrow keys until its chosen option contains `text`. */
export async function selectByKeyboard(page: Page, label: string, text: string): Promise<void> {
  await tabTo(page, label);
  for (let i = 0; i < 200; i++) {
    const chosen = await page.evaluate(() => (document.activeElement as HTMLSelectElement).selectedOptions?.[0]?.textContent ?? '');
    if (chosen.includes(text)) return;
    await page.keyboard.press('ArrowDown');
  }
  throw new Error(`no option with "${text}" in ${label}`);
}
