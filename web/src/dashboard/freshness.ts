import type { Watermark } from '../api.js';

export interface Freshness {
  text: string;
  /** Shown as a warning: the figures are known to lag. */
  stale: boolean;
}

/**
 * What a panel says of how fresh its figures are. "Behind" is how far the projection is behind the
 * stream's newest event, counted in events from the stream's last sequence (`streamSeq`, which the feed
 * tells the projector with each batch). The time since the last event is no lag: a quiet stream that is
 * fully projected is up to date however long ago its last event was. Without `streamSeq` (a projector
 * that has not been told since it started) the label claims no lag: it says how long after the event
 * the projection applied it, which is known.
 */
export function freshness(watermark: Watermark | undefined): Freshness {
  if (!watermark) return { text: 'waiting for data…', stale: false };
  const { seq, streamSeq, eventTime, appliedAt } = watermark;
  if (!seq) return { text: 'no events yet', stale: false };
  if (typeof streamSeq === 'number') {
    const behind = streamSeq - seq;
    if (behind <= 0) return { text: `as of event ${seq}, up to date`, stale: false };
    return { text: `as of event ${seq}, ${behind.toLocaleString()} event${behind === 1 ? '' : 's'} behind`, stale: true };
  }
  if (!eventTime || !appliedAt) return { text: `as of event ${seq}`, stale: false };
  const lag = Math.max(0, Date.parse(appliedAt) - Date.parse(eventTime));
  return { text: `as of event ${seq}, applied ${lag.toLocaleString()} ms after it`, stale: lag > 5000 };
}
