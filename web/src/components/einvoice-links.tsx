import { useState } from 'preact/hooks';
import { download } from '../api.js';

// The EN 16931 e-invoice of an invoice or a credit note, as UBL (Peppol BIS Billing 3.0) or CII XML,
// from the query function's `<invoices|credit-notes>/<id>/einvoice?format=`. Links, so they read and
// can be copied as what they are; a click fetches with the session's token (a plain link would reach the
// box without it) and saves the file. A document the e-invoice cannot be made of says why beside them.
const formats = [
  { format: 'ubl', label: 'E-invoice (UBL)' },
  { format: 'cii', label: 'E-invoice (CII)' },
] as const;

/** `inRow`: one of several documents on the page (a credit note's row), so each link's name ends with its number. */
export function EInvoiceLinks({ path, number, inRow = false }: { path: string; number: string; inRow?: boolean }) {
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const save = async (event: MouseEvent, format: string) => {
    event.preventDefault();
    setBusy(format);
    setProblem(undefined);
    try {
      const url = URL.createObjectURL(await download(`${path}/einvoice?format=${format}`));
      Object.assign(document.createElement('a'), { href: url, download: `${number}-${format}.xml` }).click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <>
      {formats.map(({ format, label }) => (
        <a
          key={format}
          class="button secondary"
          href={`/function/query/${path}/einvoice?format=${format}`}
          aria-label={inRow ? `${label} ${number}` : undefined}
          aria-busy={busy === format}
          onClick={(e) => save(e, format)}
        >
          {label}
        </a>
      ))}
      {problem ? (
        <span role="alert" class="hint">
          {problem}
        </span>
      ) : null}
    </>
  );
}
