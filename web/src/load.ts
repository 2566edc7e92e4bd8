import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { onChanges, type Changes } from './live.js';

export interface Loaded<T> {
  data?: T | undefined;
  error?: Error | undefined;
  loading: boolean;
  reload: () => void;
}

const sameDeps = (a: unknown[], b: unknown[]) => a.length === b.length && a.every((d, i) => Object.is(d, b[i]));

/**
 * Loads what a screen shows, again when `deps` change, and again by itself when the live stream says a
 * batch touched it (`concerns`). Reloads asked for while one runs are folded into one more afterwards.
 * A result belongs to the `deps` it was loaded for: after a change (another order, other filters) the
 * screen says it is loading rather than show the previous record under the new address, while a
 * reload for the same deps keeps what is shown until the new answer is in.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], concerns?: (c: Changes) => boolean): Loaded<T> {
  const generation = useRef(0);
  const loadedFor = useRef<unknown[] | null>(null);
  if (!loadedFor.current || !sameDeps(loadedFor.current, deps)) {
    loadedFor.current = deps;
    generation.current += 1;
  }
  const [state, setState] = useState<{ of: number; data?: T; error?: Error }>({ of: 0 });
  const running = useRef<Promise<void> | null>(null);
  const again = useRef(false);
  const current = useRef(load);
  current.current = load;
  const alive = useRef(true);

  const reload = useCallback(() => {
    if (running.current) {
      again.current = true;
      return;
    }
    running.current = (async () => {
      do {
        again.current = false;
        const of = generation.current;
        try {
          const data = await current.current();
          if (alive.current) setState({ of, data });
        } catch (err) {
          if (alive.current) setState((s) => ({ of, data: s.of === of ? s.data : undefined, error: err as Error }));
        }
      } while (again.current && alive.current);
    })().finally(() => (running.current = null));
  }, []);

  useEffect(reload, deps);
  useEffect(() => () => void (alive.current = false), []);

  const interested = useRef(concerns);
  interested.current = concerns;
  useEffect(() => onChanges((c) => (c.more || interested.current?.(c)) && reload()), []);
  const mine = state.of === generation.current;
  return { data: mine ? state.data : undefined, error: mine ? state.error : undefined, loading: !mine, reload };
}
