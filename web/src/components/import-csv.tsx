import { useState } from 'preact/hooks';
import type { ImportKind } from '../../../shared/import/columns.js';
import type { RowError } from '../../../shared/import/parse.js';
import type { ImportResult as Result } from '../../../shared/import/run.js';
import { sampleCsv } from '../../../shared/import/samples.js';
import { ApiError, importFile, type ImportProgress } from '../api.js';

// Moving in from a spreadsheet (docs/api.md "Moving in"): pick a CSV file, see a dry run (every problem
// by line and field, or what would change), then import it with progress. One component for products,
// customers and suppliers; the kind picks the route.

const routeOf = (kind: ImportKind, dryRun: boolean) => {
  const q = dryRun ? 'dryRun=true' : '';
  return kind === 'customers' ? `upsert-customer/import${q ? `?${q}` : ''}` : `upsert-product/import?kind=${kind}${q ? `&${q}` : ''}`;
};

const rowErrorsOf = (err: unknown): { rows: RowError[]; total: number } | undefined => {
  if (!(err instanceof ApiError) || err.code !== 'import_invalid' || typeof err.details !== 'object' || err.details === null) return undefined;
  const rows: unknown = Reflect.get(err.details, 'rows');
  const total: unknown = Reflect.get(err.details, 'total');
  if (!Array.isArray(rows)) return undefined;
  const listed = rows.map((r: unknown): RowError => {
    const at = (k: string): unknown => (typeof r === 'object' && r !== null ? Reflect.get(r, k) : undefined);
    return { line: Number(at('line')), field: typeof at('field') === 'string' ? String(at('field')) : null, message: String(at('message')) };
  });
  return { rows: listed, total: typeof total === 'number' ? total : listed.length };
};

const counts = (r: Result) =>
  `${r.rows} rows: ${r.created} new, ${r.updated} changed, ${r.unchanged} unchanged${r.kind === 'products' ? `; opening stock for ${r.openingStock}` : ''}`;

type State =
  | { step: 'pick' }
  | { step: 'checking' }
  | { step: 'invalid'; rows: RowError[]; total: number }
  | { step: 'checked'; result: Result }
  | { step: 'importing'; done: number; total: number }
  | { step: 'done'; result: Result }
  | { step: 'failed'; message: string };

export function ImportCsv({ kind, onImported }: { kind: ImportKind; onImported?: () => void }) {
  const [open, setOpen] = useState(false);
  const [file, setFile] = useState<File>();
  const [state, setState] = useState<State>({ step: 'pick' });
  const failed = (err: unknown) => {
    const rows = rowErrorsOf(err);
    setState(rows ? { step: 'invalid', ...rows } : { step: 'failed', message: err instanceof Error ? err.message : String(err) });
  };
  const check = async (f: File | undefined) => {
    setFile(f);
    if (!f) return setState({ step: 'pick' });
    setState({ step: 'checking' });
    try {
      setState({ step: 'checked', result: await importFile<Result>(routeOf(kind, true), f, () => {}) });
    } catch (err) {
      failed(err);
    }
  };
  const run = async () => {
    if (!file || state.step !== 'checked') return;
    setState({ step: 'importing', done: 0, total: state.result.rows });
    try {
      const result = await importFile<Result>(routeOf(kind, false), file, (p: ImportProgress) => {
        if (p.phase === 'write') setState({ step: 'importing', done: p.done, total: p.total });
      });
      setState({ step: 'done', result });
      onImported?.();
    } catch (err) {
      failed(err);
    }
  };
  const sample = () => {
    const url = URL.createObjectURL(new Blob([sampleCsv(kind)], { type: 'text/csv' }));
    Object.assign(document.createElement('a'), { href: url, download: `erpbi-${kind}-sample.csv` }).click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };
  const close = () => {
    setOpen(false);
    setFile(undefined);
    setState({ step: 'pick' });
  };

  if (!open) {
    return (
      <button type="button" class="secondary" onClick={() => setOpen(true)}>
        Import
      </button>
    );
  }
  return (
    <div class="card import" role="dialog" aria-label={`Import ${kind}`}>
      <h2>Import {kind} from CSV</h2>
      <p class="hint">
        UTF-8 CSV with a header row (in Excel: save as “CSV UTF-8”). Every row is checked first; nothing is written unless all rows are fine.{' '}
        <button type="button" class="link" onClick={sample}>
          Download a sample
        </button>
      </p>
      <label>
        CSV file <input type="file" accept=".csv,text/csv" onChange={(e) => void check((e.currentTarget as HTMLInputElement).files?.[0])} />
      </label>
      {state.step === 'checking' ? <p aria-busy="true">Checking the file…</p> : null}
      {state.step === 'invalid' ? (
        <div role="alert">
          <p>
            {state.total} problem{state.total === 1 ? '' : 's'} in the file; nothing was imported. Correct them and pick the file again.
          </p>
          <table>
            <caption class="sr-only">Problems in the file</caption>
            <thead>
              <tr>
                <th scope="col" class="num">
                  Line
                </th>
                <th scope="col">Field</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {state.rows.map((r, i) => (
                <tr key={i}>
                  <td class="num">{r.line}</td>
                  <td>{r.field ?? '–'}</td>
                  <td>{r.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {state.total > state.rows.length ? <p class="hint">The first {state.rows.length} are listed.</p> : null}
        </div>
      ) : null}
      {state.step === 'checked' ? (
        <div>
          <p role="status">The file is fine: {counts(state.result)}.</p>
          <button type="button" onClick={() => void run()}>
            Import {state.result.rows} rows
          </button>
        </div>
      ) : null}
      {state.step === 'importing' ? (
        <p>
          <label>
            Importing{' '}
            <progress value={state.done} max={state.total}>
              {state.done} of {state.total}
            </progress>{' '}
            {state.done} of {state.total}
          </label>
        </p>
      ) : null}
      {state.step === 'done' ? <p role="status">Imported: {counts(state.result)}.</p> : null}
      {state.step === 'failed' ? <p role="alert">{state.message}</p> : null}
      <div class="actions">
        <button type="button" class="secondary" onClick={close}>
          Close
        </button>
      </div>
    </div>
  );
}
