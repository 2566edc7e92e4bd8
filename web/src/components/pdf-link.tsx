import { useState } from 'preact/hooks';
import { ApiError, download } from '../api.js';

// Opens a stored PDF (an invoice, a credit note) in a new tab. Fetched with the session's token, since
// a plain link would reach the box without it; a PDF not rendered yet says so instead of failing.
export function PdfLink({ path, label, filename }: { path: string; label: string; filename: string }) {
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const open = async () => {
    setBusy(true);
    setProblem(undefined);
    // Opened now, inside the click, so the browser does not block it as a pop-up; filled when the PDF is here.
    const tab = window.open('', '_blank');
    try {
      const url = URL.createObjectURL(await download(path));
      if (tab) tab.location.href = url;
      else Object.assign(document.createElement('a'), { href: url, download: filename }).click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      tab?.close();
      setProblem(
        err instanceof ApiError && err.code === 'not_ready'
          ? 'The PDF is still being prepared; try again in a moment.'
          : err instanceof Error
            ? err.message
            : String(err),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" class="secondary" aria-busy={busy} disabled={busy} onClick={open}>
        {label}
      </button>
      {problem ? (
        <span role="alert" class="hint">
          {problem}
        </span>
      ) : null}
    </>
  );
}
