import type { ComponentChildren, JSX } from 'preact';
import { useId, useRef, useState } from 'preact/hooks';
import type { z } from 'zod';
import { ApiError } from './api.js';

// A form instance: its Idempotency-Key (one per instance, so a double click or a retry is one effect),
// its errors by field path (from the same zod schema the function uses, then from the server's
// answer), and one error at the top for what names no field.

const newKey = () => crypto.randomUUID();

export interface Form {
  busy: boolean;
  top: string | undefined;
  error: (path: string) => string | undefined;
  /** Checks `value` with the function's schema, then sends it; `fieldErrors` are conversions that failed already. */
  submit: <S extends z.ZodType, R>(opts: {
    schema: S;
    value: unknown;
    fieldErrors?: Record<string, string>;
    send: (body: z.infer<S>, idempotencyKey: string) => Promise<R>;
    done: (answer: R) => void;
  }) => Promise<void>;
}

export function useForm(): Form {
  const key = useRef(newKey());
  const inFlight = useRef(false);
  const fields = useRef(new Set<string>());
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [top, setTop] = useState<string>();

  const show = (byPath: Record<string, string>, message?: string) => {
    const placed: Record<string, string> = {};
    const unplaced: string[] = message ? [message] : [];
    for (const [path, m] of Object.entries(byPath)) {
      if (fields.current.has(path)) placed[path] = m;
      else unplaced.push(path ? `${path}: ${m}` : m);
    }
    setErrors(placed);
    setTop(unplaced.length ? unplaced.join('; ') : undefined);
    // Keyboard users land on the first field to fix.
    requestAnimationFrame(() => document.querySelector<HTMLElement>('[aria-invalid="true"], .form-error')?.focus());
  };

  return {
    busy,
    top,
    error: (path) => {
      fields.current.add(path);
      return errors[path];
    },
    submit: async ({ schema, value, fieldErrors = {}, send, done }) => {
      if (inFlight.current) return; // the second click of a double click: the first one is on its way
      const parsed = schema.safeParse(value);
      const byPath: Record<string, string> = { ...fieldErrors };
      if (!parsed.success) for (const i of parsed.error.issues) byPath[i.path.join('.')] ??= i.message;
      if (Object.keys(byPath).length) return show(byPath);
      inFlight.current = true;
      setBusy(true);
      try {
        const answer = await send(parsed.data as z.infer<typeof schema>, key.current);
        key.current = newKey(); // the next submit of this form is a new request
        setErrors({});
        setTop(undefined);
        done(answer);
      } catch (err) {
        if (err instanceof ApiError) show(serverErrors(err), isPlaced(err) ? undefined : err.message);
        else show({}, (err as Error).message);
      } finally {
        inFlight.current = false;
        setBusy(false);
      }
    },
  };
}

/** The server's `details`: [{path, message}] for schema errors, {path, ...} for a domain error about one field. */
function serverErrors(err: ApiError): Record<string, string> {
  const d = err.details;
  if (Array.isArray(d)) return Object.fromEntries(d.map((i: { path?: string; message?: string }) => [i.path ?? '', i.message ?? err.message]));
  if (d && typeof d === 'object' && typeof (d as { path?: unknown }).path === 'string') return { [(d as { path: string }).path]: err.message };
  return {};
}
const isPlaced = (err: ApiError) => Object.keys(serverErrors(err)).length > 0;

export function FormError({ form }: { form: Form }) {
  return form.top ? (
    <p class="form-error" role="alert" tabIndex={-1}>
      {form.top}
    </p>
  ) : null;
}

type ControlProps = { id: string; 'aria-invalid': boolean; 'aria-describedby': string | undefined };

/** A labelled control with its error right below it, tied together for screen readers. */
export function Field(props: {
  label: string;
  error?: string | undefined;
  hint?: ComponentChildren;
  class?: string;
  children: (p: ControlProps) => JSX.Element;
}) {
  const id = useId();
  const described = props.error ? `${id}-error` : props.hint ? `${id}-hint` : undefined;
  return (
    <div class={`field ${props.class ?? ''}`}>
      <label for={id}>{props.label}</label>
      {props.children({ id, 'aria-invalid': !!props.error, 'aria-describedby': described })}
      {props.error ? (
        <span class="field-error" id={`${id}-error`}>
          {props.error}
        </span>
      ) : props.hint ? (
        <span class="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      ) : null}
    </div>
  );
}

/** The value of an input event, typed. */
export const valueOf = (e: Event) => (e.currentTarget as HTMLInputElement).value;
