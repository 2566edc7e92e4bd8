import { useEffect, useState } from 'preact/hooks';
import type { ChangeSummary } from '../../olap/change-summary.js';
import type { Watermark } from './api.js';

// One Server-Sent Events stream per tab, from the projector: a `watermark` after every applied batch
// (the dashboard redraws) and a `changes` summary of what the batch touched (lists and pages that
// show any of it read again). Push only: nothing here polls.

/** What a batch touched, as the projector sends it; `more`: a list was cut, whatever a page shows may have changed. */
export type Changes = ChangeSummary;

export type LiveState = 'offline' | 'connecting' | 'live';
type Listener<T> = (value: T) => void;

const watermarkListeners = new Set<Listener<Watermark>>();
const changeListeners = new Set<Listener<Changes>>();
const stateListeners = new Set<Listener<LiveState>>();
let source: EventSource | undefined;
let state: LiveState = 'offline';
let retry: ReturnType<typeof setTimeout> | undefined;

function setState(next: LiveState) {
  state = next;
  stateListeners.forEach((l) => l(next));
}

/** Opens the stream; `token` is read again on every reconnect. */
export function connectLive(token: () => string | null) {
  disconnectLive();
  const t = token();
  if (!t) return;
  setState('connecting');
  // EventSource cannot send headers: the token goes as access_token (the projector accepts both).
  const s = (source = new EventSource(`/function/project-to-olap/live?access_token=${encodeURIComponent(t)}`));
  s.addEventListener('open', () => setState('live'));
  s.addEventListener('watermark', (e) => watermarkListeners.forEach((l) => l(JSON.parse((e as MessageEvent<string>).data) as Watermark)));
  s.addEventListener('changes', (e) => changeListeners.forEach((l) => l(JSON.parse((e as MessageEvent<string>).data) as Changes)));
  s.addEventListener('error', () => {
    if (s.readyState !== EventSource.CLOSED) return setState('connecting'); // the browser retries by itself
    setState('offline');
    // A refused stream (the box restarting, a token near expiry) is opened again with a fresh token.
    retry = setTimeout(() => connectLive(token), 2000);
  });
}

export function disconnectLive() {
  clearTimeout(retry);
  source?.close();
  source = undefined;
  setState('offline');
}

export function onWatermark(l: Listener<Watermark>): () => void {
  watermarkListeners.add(l);
  return () => watermarkListeners.delete(l);
}

export function onChanges(l: Listener<Changes>): () => void {
  changeListeners.add(l);
  return () => changeListeners.delete(l);
}

export function useLiveState(): LiveState {
  const [s, set] = useState(state);
  useEffect(() => {
    stateListeners.add(set);
    return () => void stateListeners.delete(set);
  }, []);
  return s;
}
