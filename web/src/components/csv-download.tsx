import { useState } from 'preact/hooks';
import { readCsv } from '../api.js';

// Saves a list read as CSV (the server's export: every row, not only the pages on show). Fetched with
// the session's token, since a plain link would reach the box without it.
export function CsvDownload({ path, params, what, filename }: { path: string; params: Record<string, string | undefined>; what: string; filename: string }) {
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      const url = URL.createObjectURL(await readCsv(path, params));
      Object.assign(document.createElement('a'), { href: url, download: filename }).click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {/* The name holds the visible words (WCAG label in name) and says which table: "Download CSV of the journal". */}
      <button type="button" class="secondary" aria-busy={busy} disabled={busy} onClick={save}>
        Download CSV<span class="sr-only"> of the {what}</span>
      </button>
      {problem ? (
        <span role="alert" class="hint">
          {problem}
        </span>
      ) : null}
    </>
  );
}
