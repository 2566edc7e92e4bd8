import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { onChanges, type Changes } from './live.js';

export interface Loaded<T> {
  data?: T | undefined;
  error?: Error | undefined;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads what a screen shows, again when `deps` change, and again by itself when the live stream says a
 * batch touched it (`concerns`). Reloads asked for while one runs are folded into one more afterwards.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], concerns?: (c: Changes) => boolean): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
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
        try {
          const data = await current.current();
          if (alive.current) setState({ data, loading: false });
        } catch (err) {
          if (alive.current) setState((s) => ({ data: s.data, error: err as Error, loading: false }));
        }
      } while (again.current && alive.current);
    })().finally(() => (running.current = null));
  }, []);

  useEffect(() => {
    alive.current = true;
    setState((s) => ({ data: s.data, loading: true }));
    again.current = running.current !== null;
    reload();
    return () => void (alive.current = false);
  }, deps);

  const interested = useRef(concerns);
  interested.current = concerns;
  useEffect(() => onChanges((c) => (c.more || interested.current?.(c)) && reload()), []);
  return { ...state, reload };
}
