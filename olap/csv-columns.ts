import { csvJson, csvLines, csvMoney, csvNumber, csvText, type CsvColumn } from '../shared/http/csv.js';
import { catalogue, perQuery } from './catalogue.js';
import type { Column } from './catalogue/types.js';

// The CSV columns of each named query (`Accept: text/csv` on GET /query/<name>): the catalogue's columns
// (olap/catalogue.ts), in its order, which is the order the SQL selects them; money as minor units plus
// `<field>_formatted` in the row's currency. A query added to the catalogue has its columns here.

function csvColumns(key: string, c: Column): CsvColumn[] {
  switch (c.unit) {
    case 'text':
      return [csvText(key)];
    case 'money':
      return csvMoney(key);
    case 'json':
      return [csvJson(key)];
    case 'lines':
      return [csvLines(key)];
    default:
      return [csvNumber(key)];
  }
}

export const biCsvColumns = perQuery((n): readonly CsvColumn[] =>
  Object.entries(catalogue[n].columns as Record<string, Column>).flatMap(([k, c]) => csvColumns(k, c)),
);
