import { CsvError, parse } from 'csv-parse/sync';
import { formulaStart } from '../http/csv.js';
import type { Column } from './columns.js';

// Reading an uploaded CSV file: its encoding, its quoting and its header row, before any row is looked
// at. Each problem is a row error with the file's line number (1 = the header), so a person can find
// it in a spreadsheet or an editor.

export interface RowError {
  line: number;
  /** The column (as in the header), or null for a problem with the line itself. */
  field: string | null;
  message: string;
}

export interface CsvRecord {
  /** Where the record starts in the file (1 = the header). */
  line: number;
  cells: Map<string, string>;
}

/** `errors` of a readable file are its rows' (a formula cell, a cell too many): the rows are still checked, so every problem is reported at once. */
export type Parsed = { ok: true; records: CsvRecord[]; errors: RowError[] } | { ok: false; errors: RowError[] };

const fail = (line: number, field: string | null, message: string): Parsed => ({ ok: false, errors: [{ line, field, message }] });

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The line of the first byte that is not UTF-8 (a Latin-1 é is one byte, 0xE9, on its own). */
function firstBadLine(bytes: Uint8Array): number {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        utf8.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line += 1;
      start = i + 1;
    }
  }
  return line;
}

/** A spreadsheet runs a cell starting with = + - @ (or a tab, a CR) as a formula; a plain number such as -5 is not one. */
export const isFormula = (cell: string): boolean => formulaStart.test(cell) && !/^[+-]?\d+(\.\d+)?$/.test(cell);

/** Decodes, parses and checks the header against the kind's columns; every record keyed by column. */
export function parseCsv(bytes: Uint8Array, columns: readonly Column[]): Parsed {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return fail(
      firstBadLine(bytes),
      null,
      'the file is not UTF-8 text (Latin-1 or Windows-1252, as older spreadsheets save, is not accepted): save it as "CSV UTF-8" in Excel, or with the character set Unicode (UTF-8) in LibreOffice, and import it again',
    );
  }
  // A BOM (Excel's "CSV UTF-8" writes one) is not part of the first column's name.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  if (text.includes('\0')) return fail(text.slice(0, text.indexOf('\0')).split('\n').length, null, 'the file holds NUL bytes: it is not a CSV text file');
  // One line ending, so line numbers count as an editor does (csv-parse counts a quoted CRLF twice).
  text = text.replace(/\r\n/g, '\n');
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0);
  // Spreadsheets set to a European locale separate by semicolons; the header row says which it is.
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';

  const rows: { record: string[]; info: { lines: number } }[] = [];
  try {
    // on_record sees where each record ends (context.lines); the records themselves are kept from it.
    parse(text, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: '\n',
      on_record: (record: string[], context) => {
        rows.push({ record, info: { lines: context.lines } });
        return null;
      },
    });
  } catch (err) {
    if (err instanceof CsvError) {
      const line = typeof err.lines === 'number' ? err.lines : 1;
      return fail(line, null, `the file is not valid CSV here: ${err.message.replace(/^[^:]*: /, '')} (a quote inside a quoted cell is written twice: "")`);
    }
    throw err;
  }
  if (rows.length === 0) return fail(1, null, 'the file is empty: the first line must be the header row naming the columns');

  const header = rows[0]!.record.map((h) => h.trim());
  const known = new Map(columns.map((c) => [c.name, c]));
  const errors: RowError[] = [];
  const seen = new Set<string>();
  for (const name of header) {
    if (!known.has(name)) errors.push({ line: 1, field: name, message: `unknown column "${name}"; the columns are: ${columns.map((c) => c.name).join(', ')}` });
    else if (seen.has(name)) errors.push({ line: 1, field: name, message: `the column ${name} appears twice` });
    seen.add(name);
  }
  for (const c of columns) if (c.required && !seen.has(c.name)) errors.push({ line: 1, field: c.name, message: `missing column ${c.name}: it is required` });
  if (errors.length > 0) return { ok: false, errors };

  const records = rows.slice(1).map(({ record, info }) => {
    // info.lines is where the record ends; a quoted cell may span lines.
    const spanned = record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0);
    return { line: info.lines - spanned, record };
  });
  const out: CsvRecord[] = [];
  for (const { line, record } of records) {
    if (record.length !== header.length) {
      errors.push({ line, field: null, message: `${record.length} cells where the header has ${header.length} columns` });
      continue;
    }
    const cells = new Map<string, string>();
    record.forEach((cell, i) => {
      const name = header[i]!;
      if (isFormula(cell))
        errors.push({
          line,
          field: name,
          message: `starts with "${JSON.stringify(cell[0]).slice(1, -1)}", which a spreadsheet runs as a formula: refused (CSV injection); remove the leading character`,
        });
      cells.set(name, cell);
    });
    out.push({ line, cells });
  }
  return { ok: true, records: out, errors };
}
