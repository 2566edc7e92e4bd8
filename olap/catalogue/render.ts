import { catalogue, queryNames, queryRoles, type QueryName } from '../catalogue.js';
import type { Column, Entry } from './types.js';

// The catalogue as the docs and Grafana show it. docs/api.md's BI list and the BI dashboard's panel
// descriptions are generated from it (olap/catalogue/write.ts) and checked to be current
// (olap/catalogue.test.ts): nothing restates a definition by hand.

export const docsStart = '<!-- BI catalogue: generated from olap/catalogue.ts by `node --import tsx olap/catalogue/write.ts`; do not edit by hand -->';
export const docsEnd = '<!-- end of the BI catalogue -->';

const unitText: Record<Column['unit'], string> = {
  text: 'text',
  money: "money, integer minor units of the row's currency",
  count: 'count',
  quantity: 'quantity, units of product',
  percent: 'percent',
  seq: 'stream sequence',
  json: 'JSON',
  lines: 'list of lines',
};

function entryMarkdown(name: QueryName): string {
  const e: Entry = catalogue[name];
  const params = Object.entries(e.parameters);
  const columns = Object.entries(e.columns).map(
    ([k, c]) => `  - \`${k}\` (${c.kind}, ${unitText[c.unit]}${c.nullable ? ', may be null' : ''}): ${c.definition}`,
  );
  return [
    `- \`${name}\`: ${e.title} (${queryRoles[name].join(', ')}). ${e.description}`,
    `  - Grain: ${e.grain}.`,
    `  - Parameters: ${params.length ? params.map(([p, d]) => `\`${p}\`: ${d}`).join(' ') : 'none.'}`,
    `  - Empty groups: ${e.empty}`,
    `  - As of: ${e.asOf}`,
    `  - Columns, in order:`,
    ...columns.map((c) => `  ${c}`),
  ].join('\n');
}

/** docs/api.md's list of the named queries, between docsStart and docsEnd. */
export function catalogueMarkdown(): string {
  return [docsStart, ...queryNames.map(entryMarkdown), docsEnd].join('\n');
}

/** What a Grafana panel says beyond the definition, by the query it shows. */
const grafanaNotes: Partial<Record<QueryName, string>> = {
  payroll_by_department: "This panel uses the erpbi-grafana-hr client (role bi-payroll): keep this dashboard's folder to Grafana admins.",
};

/** A Grafana panel's description: the catalogue's definition of its query (money in minor units). */
export function grafanaDescription(name: QueryName): string {
  const e: Entry = catalogue[name];
  const money = Object.values(e.columns).some((c) => c.unit === 'money') ? " Money in integer minor units of the row's currency." : '';
  return [`${e.description} Grain: ${e.grain}.${money}`, grafanaNotes[name]].filter(Boolean).join(' ');
}

/** The query a Grafana panel reads, from its target's URL. */
export function panelQuery(panel: { targets?: { url?: string }[] }): QueryName | undefined {
  const name = /\/query\/([a-z_]+)/.exec(panel.targets?.[0]?.url ?? '')?.[1];
  return queryNames.find((n) => n === name);
}

// Infinity's column types: the time axes as timestamps, text as strings, every measure a number.
const timeColumns = new Set(['hour', 'day']);
const grafanaColumns = (e: Entry) =>
  Object.entries(e.columns).map(([k, c]) => ({ selector: k, text: k, type: timeColumns.has(k) ? 'timestamp' : c.kind === 'dimension' ? 'string' : 'number' }));

type Panel = { description?: string; targets?: { url?: string; columns?: unknown }[] };
/** The dashboard's JSON with every panel's description and columns set from the catalogue. */
export function withDescriptions<D extends { panels: Panel[] }>(dashboard: D): D {
  return {
    ...dashboard,
    panels: dashboard.panels.map((p) => {
      const n = panelQuery(p);
      if (!n) return p;
      const [first, ...rest] = p.targets ?? [];
      return { ...p, description: grafanaDescription(n), targets: [{ ...first, columns: grafanaColumns(catalogue[n]) }, ...rest] };
    }),
  };
}

/** docs/api.md with its catalogue block replaced by the current one. */
export function withCatalogue(doc: string): string {
  const from = doc.indexOf(docsStart);
  const to = doc.indexOf(docsEnd);
  if (from < 0 || to < from) throw new Error('docs/api.md has no BI catalogue block');
  return doc.slice(0, from) + catalogueMarkdown() + doc.slice(to + docsEnd.length);
}
