import { useEffect, useState } from 'preact/hooks';
import type { ChangeSummary } from '../../olap/change-summary.js';
import { liveTicket, type Watermark } from './api.js';

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
let attempts = 0; // each connect or disconnect; an answer for an older one is dropped

function setState(next: LiveState) {
  state = next;
  stateListeners.forEach((l) => l(next));
}

/**
 * Opens the stream with a fresh ticket (single use, seconds long) each time: the browser's own retry
 * would resend a used one, so every error closes the stream and this opens it again. The projector
 * ends the stream when the token expires; by then the session holds a new token or has signed out.
 */
export function connectLive() {
  disconnectLive();
  const attempt = ++attempts;
  setState('connecting');
  const again = () => {
    if (attempt === attempts) retry = setTimeout(connectLive, 2000);
  };
  liveTicket().then(({ ticket }) => {
    if (attempt !== attempts) return; // disconnected meanwhile
    const s = (source = new EventSource(`/function/project-to-olap/live?ticket=${encodeURIComponent(ticket)}`));
    s.addEventListener('open', () => setState('live'));
    s.addEventListener('watermark', (e) => watermarkListeners.forEach((l) => l(JSON.parse((e as MessageEvent<string>).data) as Watermark)));
    s.addEventListener('changes', (e) => changeListeners.forEach((l) => l(JSON.parse((e as MessageEvent<string>).data) as Changes)));
    s.addEventListener('error', () => {
      s.close();
      setState('offline');
      again();
    });
  }, again);
}

export function disconnectLive() {
  attempts++;
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
