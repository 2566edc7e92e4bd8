import { useState } from 'preact/hooks';
import { mayRun } from '../../../../shared/auth/permissions.js';
import type { StockLevel } from '../../types.js';
import { Money } from '../../ui.js';
import { AdjustForm, type Adjusted } from './adjust.js';
import { CountForm, type Counted } from './count.js';
import { ReceiveForm, type Received } from './receive.js';

/** +10, −3 (a real minus sign), 0. */
export const delta = (n: number) => (n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '0');

export const stockState = (s: StockLevel) => (s.available <= 0 ? 'out' : s.low ? 'low' : 'ok');

/** "Receive stock" and its inline form, for the roles that may book goods in. */
export function useReceive(roles: string[], after: () => void) {
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<Received>();
  const may = mayRun(roles, 'receive-stock');
  const button = may ? (
    <button type="button" aria-expanded={open} onClick={() => (setOpen(!open), setDone(undefined))}>
      Receive stock
    </button>
  ) : null;
  const form = (sku?: string) =>
    may && open ? (
      <ReceiveForm sku={sku} onCancel={() => setOpen(false)} onDone={(r) => (setOpen(false), setDone(r), after())} />
    ) : done ? (
      <p role="status" class="hint">
        Received: {done.sku} now has {done.onHand} on hand, {done.available} available.
      </p>
    ) : null;
  return { button, form };
}

/** "Adjust stock" and its inline form: a signed correction with a reason. */
export function useAdjust(roles: string[], after: () => void) {
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<Adjusted>();
  const may = mayRun(roles, 'receive-stock/adjustment');
  const button = may ? (
    <button type="button" class="secondary" aria-expanded={open} onClick={() => (setOpen(!open), setDone(undefined))}>
      Adjust stock
    </button>
  ) : null;
  const form = (sku?: string) =>
    may && open ? (
      <AdjustForm sku={sku} onCancel={() => setOpen(false)} onDone={(a) => (setOpen(false), setDone(a), after())} />
    ) : done ? (
      <p role="status" class="hint">
        Adjusted {done.sku} by {delta(done.quantityDelta)} (<Money minor={done.valueDelta} currency={done.currency} /> at cost): now {done.onHand} on hand,{' '}
        {done.available} available.
      </p>
    ) : null;
  return { button, form };
}

/** "Count stock": a counted quantity per product listed; the differences become adjustments. */
export function useCount(roles: string[], after: () => void) {
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<Counted>();
  const may = mayRun(roles, 'receive-stock/count');
  const button = may ? (
    <button type="button" class="secondary" aria-expanded={open} onClick={() => (setOpen(!open), setDone(undefined))}>
      Count stock
    </button>
  ) : null;
  const form = (items: StockLevel[] | undefined) =>
    may && open && items ? (
      <CountForm items={items} onCancel={() => setOpen(false)} onDone={(c) => (setOpen(false), setDone(c), after())} />
    ) : done ? (
      <p role="status" class="hint">
        Counted {done.lines.length} {done.lines.length === 1 ? 'product' : 'products'}:{' '}
        {done.lines.every((l) => l.difference === 0)
          ? 'everything matched.'
          : done.lines
              .filter((l) => l.difference !== 0)
              .map((l) => `${l.sku} ${delta(l.difference)}`)
              .join(', ')}
      </p>
    ) : null;
  return { button, form };
}
