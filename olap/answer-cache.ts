import { settle } from '../shared/http/checked-once.js';

// Named queries' answers kept between two batches. The file changes only when a batch is applied
// (OlapStore is its one writer), and a dashboard asks the same few queries again and again between
// batches (every open page refetches what the live stream says changed): the same SQL with the same
// values at the same watermark is the same answer, so it is served again rather than recomputed.
// Everything is dropped as soon as the watermark object changes (a batch applied, the file reopened or
// rebuilt). Bounded by rows, not answers, since one sales_by_hour answer can hold 30,000 rows.

/** How many answer rows are kept at most (about 150-300 bytes each); 0 keeps none (bench/lib/query-micro.ts's cold runs). */
export const answerCacheLimits = { rows: 20_000 };

/** An answer counts its rows and one more for itself, so that even empty answers are bounded. */
const size = (answer: { length: number }) => answer.length + 1;

export class AnswerCache<T extends { length: number }> {
  private at: object | undefined;
  private readonly answers = new Map<string, T>();
  private rows = 0;

  /** The answer for `key` read at watermark `mark` (compared by identity), if kept. */
  get(mark: object, key: string): T | undefined {
    if (mark !== this.at) {
      this.answers.clear();
      this.rows = 0;
      this.at = mark;
      return undefined;
    }
    const hit = this.answers.get(key);
    if (hit) {
      // Most recently used last: the oldest goes first when room is needed.
      this.answers.delete(key);
      this.answers.set(key, hit);
    }
    return hit;
  }

  set(mark: object, key: string, answer: T): void {
    if (mark !== this.at || size(answer) > answerCacheLimits.rows) return;
    for (const [k, old] of this.answers) {
      if (this.rows + size(answer) <= answerCacheLimits.rows) break;
      this.answers.delete(k);
      this.rows -= size(old);
    }
    // Frozen whole from here on, as every caller shares it; which also lets the answer check find it
    // matching its schema once rather than at every send (shared/http/checked-once.ts).
    this.answers.set(key, settle(answer));
    this.rows += size(answer);
  }
}
