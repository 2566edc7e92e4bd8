import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { bpToPercentText, formatMoney } from '../../shared/domain/money.js';
import type { Page } from './api.js';
import { Field, valueOf } from './form.js';
import type { Loaded } from './load.js';
import { navigate } from './router.js';

// Small pieces every screen uses: money and instants as people read them, statuses as words, a
// confirmation dialog, a list's search box and its pages, and what a screen says while loading, on
// error, or when a role may not use it.

export const Money = ({ minor, currency }: { minor: number; currency: string }) => <span class="money">{formatMoney(minor, currency)}</span>;

/** A tax rate in basis points as people read it: "20 %". */
export const Percent = ({ bp }: { bp: number }) => <>{bpToPercentText(bp)} %</>;

/** An instant (ISO UTC) in the reader's time zone; the exact UTC instant on hover. */
export const When = ({ at }: { at: string | null | undefined }) =>
  at ? (
    <time dateTime={at} title={at}>
      {new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
    </time>
  ) : (
    <span>–</span>
  );

/** A calendar day (YYYY-MM-DD) as the reader writes dates. */
export const Day = ({ day }: { day: string | null | undefined }) =>
  day ? <time dateTime={day}>{new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { dateStyle: 'medium', timeZone: 'UTC' })}</time> : <span>–</span>;

export const statusText = (s: string) => s.replace(/_/g, ' ');
export const Status = ({ status }: { status: string }) => <span class={`status-badge s-${status}`}>{statusText(status)}</span>;

export function Show<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (loaded.error && loaded.data === undefined) {
    return (
      <p class="load-error" role="alert">
        {loaded.error.message}{' '}
        <button type="button" class="link" onClick={loaded.reload}>
          Try again
        </button>
      </p>
    );
  }
  if (loaded.data === undefined)
    return (
      <p class="loading" aria-busy="true">
        Loading…
      </p>
    );
  return <>{children(loaded.data)}</>;
}

export const NotAllowed = ({ what }: { what: string }) => (
  <section class="not-allowed" role="alert">
    <h1>Not allowed</h1>
    <p>Your role may not {what}. Ask an administrator if you need it.</p>
  </section>
);

/** A modal question with a confirm and a "Keep" button; Escape keeps. */
export function Confirm(props: {
  open: boolean;
  title: string;
  children?: ComponentChildren;
  confirm: string;
  busy?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={ref} onClose={props.onClose} aria-labelledby="confirm-title">
      <h2 id="confirm-title">{props.title}</h2>
      {props.children}
      <div class="actions">
        <button type="button" class="secondary" onClick={props.onClose} autofocus>
          Keep
        </button>
        <button type="button" class="danger" disabled={props.busy} onClick={props.onConfirm}>
          {props.confirm}
        </button>
      </div>
    </dialog>
  );
}

/** "Load more" for keyset pages. */
const More = ({ next, onMore }: { next: string | null; onMore: () => void }) =>
  next ? (
    <button type="button" class="secondary more" onClick={onMore}>
      Load more
    </button>
  ) : null;

/** A usePaged list: loading and errors as Show says them, `empty` for no rows, else the rows and "Load more". */
export function PagedList<T>({
  paged,
  empty,
  children,
}: {
  paged: { loaded: Loaded<Page<T>>; more: () => void };
  empty: string;
  children: (items: T[]) => ComponentChildren;
}) {
  return (
    <Show loaded={paged.loaded}>
      {({ items, nextCursor }) =>
        items.length === 0 ? (
          <p class="empty">{empty}</p>
        ) : (
          <>
            {children(items)}
            <More next={nextCursor} onMore={paged.more} />
          </>
        )
      }
    </Show>
  );
}

export function Header({ title, children }: { title: ComponentChildren; children?: ComponentChildren }) {
  return (
    <div class="screen-header">
      <h1>{title}</h1>
      {children ? <div class="actions">{children}</div> : null}
    </div>
  );
}

/** A table that scrolls sideways on a phone; focusable and named, so a keyboard can scroll it too. */
export const TableWrap = ({ label, children }: { label: string; children: ComponentChildren }) => (
  <div class="table-wrap" tabIndex={0} role="region" aria-label={label}>
    {children}
  </div>
);

/**
 * A list's search box. The search goes into the address (a new history entry), so Back returns to the
 * previous results and a search can be bookmarked; blanks alone would be an empty search the server refuses.
 */
export function SearchForm({ label, placeholder, path, q }: { label: string; placeholder: string; path: string; q: string }) {
  const [text, setText] = useState(q);
  return (
    <form role="search" class="filters" onSubmit={(e) => (e.preventDefault(), navigate(path, { q: text.trim() }))}>
      <Field label={label}>{(p) => <input {...p} type="search" value={text} onInput={(e) => setText(valueOf(e))} placeholder={placeholder} />}</Field>
      <button type="submit" class="secondary">
        Search
      </button>
    </form>
  );
}
