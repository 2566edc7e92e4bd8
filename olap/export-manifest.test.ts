import { describe, expect, it } from 'vitest';
import { exportPrefix, latestKey, latestOf, partKey, tableLocation, type ExportManifest } from './export-manifest.js';

describe('the export names', () => {
  it('puts each export in a folder named by its instant, without colons, that sorts as time does', () => {
    const a = exportPrefix(new Date('2026-12-07T09:05:01.020Z'));
    const b = exportPrefix(new Date('2026-12-07T10:00:00.000Z'));
    expect(a).toBe('olap/2026-12-07T090501.020Z/');
    expect(a < b).toBe(true);
    expect(a).not.toContain(':');
    expect(tableLocation(a, 'orders')).toBe('olap/2026-12-07T090501.020Z/orders/');
    expect(partKey(tableLocation(a, 'orders'), 0)).toBe('olap/2026-12-07T090501.020Z/orders/part-00000.parquet');
    // parts sort in the order they were written, up to 100,000 of them (5 billion rows at partRows)
    expect(partKey('t/', 9) < partKey('t/', 10)).toBe(true);
    expect(latestKey).toBe('olap/latest.json');
    expect(latestKey.startsWith(a)).toBe(false); // the pointer lives beside the exports, not in one
  });

  it('points latest.json at the manifest and says how far the stream is in it', () => {
    const m = { prefix: 'olap/x/', exportedAt: '2026-12-07T09:05:01.020Z', complete: { seq: 42, eventTime: null } } as ExportManifest;
    expect(latestOf(m)).toEqual({ manifest: 'olap/x/manifest.json', prefix: 'olap/x/', exportedAt: m.exportedAt, seq: 42 });
  });
});
