import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withCatalogue, withDescriptions } from './render.js';

// Writes what is generated from the metric catalogue: docs/api.md's BI list and the BI Grafana
// dashboard's panel descriptions. Run after changing olap/catalogue*: `node --import tsx olap/catalogue/write.ts`.

const root = join(import.meta.dirname, '..', '..');
export const docsFile = join(root, 'docs', 'api.md');
export const grafanaFile = join(root, 'grafana', 'dashboards', 'erpbi-bi.json');

/** The two files as they should be. */
export function generated(): { docs: string; grafana: string } {
  return {
    docs: withCatalogue(readFileSync(docsFile, 'utf8')),
    grafana: `${JSON.stringify(withDescriptions(JSON.parse(readFileSync(grafanaFile, 'utf8'))), null, 2)}\n`,
  };
}

if (process.argv[1] === import.meta.filename) {
  const { docs, grafana } = generated();
  writeFileSync(docsFile, docs);
  writeFileSync(grafanaFile, grafana);
}
