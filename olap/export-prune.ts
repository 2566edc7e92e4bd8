import { exportRoot } from './export-manifest.js';
import type { ExportTarget } from './export-target.js';
import type { Logger } from '../shared/log.js';

// Old exports are removed once a new one is whole: every export is a full copy (46 MB at 100,000
// orders), so a nightly run would otherwise fill the disk SeaweedFS shares with the PDFs. The newest
// `keep` stay (OLAP_EXPORT_KEEP), so a reader that took latest.json a run ago still finds its files.

/** An export's folder as exportPrefix makes it; anything else under olap/ is not ours to remove. */
const exportFolder = new RegExp(`^${exportRoot}/\\d{4}-\\d\\d-\\d\\dT\\d{6}\\.\\d{3}Z/$`);

/** Of the folders found, those beyond the newest `keep` (their names sort as time does). */
export function exportsToRemove(folders: readonly string[], keep: number): string[] {
  return folders
    .filter((f) => exportFolder.test(f))
    .sort()
    .reverse()
    .slice(Math.max(1, keep));
}

/** Removes the exports beyond the newest `keep`; a failure is logged, never thrown: the new export is whole. */
export async function pruneExports(target: ExportTarget, keep: number, log?: Logger): Promise<string[]> {
  try {
    const old = exportsToRemove(await target.folders(`${exportRoot}/`), keep);
    for (const folder of old) for (const key of await target.keys(folder)) await target.remove(key);
    return old;
  } catch (err) {
    log?.warn({ err: err instanceof Error ? err.message : String(err) }, 'old OLAP exports were not removed; the next export tries again');
    return [];
  }
}
