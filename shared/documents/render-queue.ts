import pLimit from 'p-limit';
import { documentRenderSeconds, type DocumentKind } from './render-metrics.js';

// Documents are rendered one at a time per process, each timed by kind (render-metrics.ts). Rendering
// is CPU work on the one JavaScript thread, so renders side by side finish no sooner; but the connector
// delivers up to 32 events at once, and each document being laid out holds its pages, fonts' subsets
// and streams until it ends: 32 interleaved renders took the process from 220 to 310 MB RSS
// (bench/lib/documents-micro.ts's documents in waves of 32), one at a time keeps it where one render
// after another does. A render that throws frees the turn all the same (p-limit).
const oneAtATime = pLimit(1);

export function rendering<T>(kind: DocumentKind, render: () => Promise<T>): Promise<T> {
  return oneAtATime(async () => {
    const done = documentRenderSeconds.startTimer({ kind });
    try {
      return await render();
    } finally {
      done();
    }
  });
}
