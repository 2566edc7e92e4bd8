import { useState } from 'preact/hooks';
import { body as terminateBody } from '../../../../functions/terminate-employee/schema.js';
import { run } from '../../api.js';
import { Field, FormError, useForm, valueOf } from '../../form.js';
import type { Employee } from '../../types.js';
import { Confirm } from '../../ui.js';
import { today } from './form.js';
import { employee } from '../../../../shared/query/answers/employees.js';

/** The last day and why; a last day before the hire date comes back beside "Last day". */
export function TerminateDialog(props: { employee: Employee; open: boolean; onClose: () => void; onDone: (e: Employee) => void }) {
  const form = useForm();
  const [f, setF] = useState({ terminatedAt: today(), reason: '' });
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: valueOf(e) });
  const confirm = () =>
    void form.submit({
      schema: terminateBody,
      value: { id: props.employee.id, terminatedAt: f.terminatedAt || undefined, reason: f.reason.trim() || undefined },
      send: (b, key) => run('terminate-employee', b, key, employee),
      done: props.onDone,
    });
  return (
    <Confirm
      open={props.open}
      title={`Terminate ${props.employee.name}?`}
      confirm="Yes, terminate"
      busy={form.busy}
      onConfirm={confirm}
      onClose={props.onClose}
    >
      <form class="form" noValidate onSubmit={(e) => (e.preventDefault(), confirm())}>
        <FormError form={form} />
        <Field label="Last day" error={form.error('terminatedAt')}>
          {(p) => <input {...p} type="date" value={f.terminatedAt} onInput={set('terminatedAt')} required />}
        </Field>
        <Field label="Reason" error={form.error('reason')} hint="optional">
          {(p) => <input {...p} value={f.reason} onInput={set('reason')} maxLength={500} autoComplete="off" />}
        </Field>
      </form>
    </Confirm>
  );
}
