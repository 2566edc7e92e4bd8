import { describe, expect, it } from 'vitest';
import { exportPrefix } from './export-manifest.js';
import { exportsToRemove } from './export-prune.js';

describe('exportsToRemove', () => {
  const at = (iso: string) => exportPrefix(new Date(iso));
  const folders = [at('2026-12-05T02:40:00.000Z'), at('2026-12-07T02:40:00.000Z'), at('2026-12-06T02:40:00.000Z'), at('2026-11-30T23:59:59.999Z')];

  it('keeps the newest `keep` by their instant, whatever order the listing gives', () => {
    expect(exportsToRemove(folders, 2)).toEqual([at('2026-12-05T02:40:00.000Z'), at('2026-11-30T23:59:59.999Z')]);
    expect(exportsToRemove(folders, 4)).toEqual([]);
  });

  it('never removes the newest (keep below 1 counts as 1) nor a folder it did not make', () => {
    expect(exportsToRemove(folders, 0)).not.toContain(at('2026-12-07T02:40:00.000Z'));
    expect(exportsToRemove([...folders, 'olap/0000-notes/', 'olap/manual-copy/', 'other/2026-12-01T000000.000Z/'], 1)).toHaveLength(3);
  });
});
