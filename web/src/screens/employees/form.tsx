import { useState } from 'preact/hooks';
import { body as hireBody } from '../../../../functions/hire-employee/schema.js';
import { body as updateBody } from '../../../../functions/update-employee/schema.js';
import { amountText, parseAmount } from '../../../../shared/domain/money.js';
import { run } from '../../api.js';
import { Field, FormError, useForm, valueOf } from '../../form.js';
import { href, navigate } from '../../router.js';
import type { Employee } from '../../types.js';
import { employee as employeeAnswer } from '../../../../shared/query/answers/employees.js';

/** Today as the person at the keyboard sees it (YYYY-MM-DD, local). */
export const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

/**
 * Hire (no employee) or edit. An edit sends only what changed: every version is kept in the history,
 * and a field nobody touched should not appear there as changed.
 */
export function EmployeeForm({ employee, onSaved }: { employee?: Employee | undefined; onSaved?: (e: Employee) => void }) {
  const form = useForm();
  const before = {
    name: employee?.name ?? '',
    email: employee?.email ?? '',
    department: employee?.department ?? '',
    title: employee?.title ?? '',
    salary: employee?.salary !== undefined && employee.currency ? amountText(employee.salary, employee.currency) : '',
    currency: employee?.currency ?? 'EUR',
    hiredAt: employee?.hiredAt ?? today(),
  };
  const [f, setF] = useState(before);
  const set = (k: keyof typeof f) => (e: Event) => setF({ ...f, [k]: valueOf(e) });
  const terminated = employee?.status === 'terminated';
  // A terminated employee's record is history: shown, not editable (the server refuses it too).
  const lock = { readOnly: terminated };

  const save = (e: Event) => {
    e.preventDefault();
    const currency = f.currency.trim().toUpperCase();
    const salary = parseAmount(f.salary, currency);
    const fields = { name: f.name, email: f.email.trim(), department: f.department, title: f.title, salary, currency, hiredAt: f.hiredAt || undefined };
    const salaryError: Record<string, string> = salary === undefined ? { salary: 'an amount per month such as 3500.00' } : {};
    if (!employee) {
      return void form.submit({
        schema: hireBody,
        value: fields,
        fieldErrors: salaryError,
        send: (b, key) => run('hire-employee', b, key, employeeAnswer),
        done: () => navigate('/employees'),
      });
    }
    const changed: Record<string, unknown> = {};
    if (fields.name.trim() !== employee.name) changed.name = fields.name;
    if (fields.email !== employee.email) changed.email = fields.email;
    if (fields.department.trim() !== employee.department) changed.department = fields.department;
    if (fields.title.trim() !== employee.title) changed.title = fields.title;
    if (salary !== employee.salary) changed.salary = salary;
    if (currency !== employee.currency) changed.currency = currency;
    if (fields.hiredAt !== employee.hiredAt) changed.hiredAt = fields.hiredAt;
    void form.submit({
      schema: updateBody,
      value: { id: employee.id, ...changed },
      fieldErrors: { ...salaryError, ...(Object.keys(changed).length ? {} : { '': 'nothing changed: edit a field first' }) },
      send: (b, key) => run('update-employee', b, key, employeeAnswer),
      done: (saved: Employee) => onSaved?.(saved),
    });
  };

  return (
    <form class="card form" onSubmit={save} noValidate>
      <FormError form={form} />
      <div class="row">
        <Field label="Name" error={form.error('name')}>
          {(p) => <input {...p} {...lock} value={f.name} onInput={set('name')} required autoComplete="off" />}
        </Field>
        <Field label="Email" error={form.error('email')}>
          {(p) => <input {...p} {...lock} type="email" value={f.email} onInput={set('email')} required autoComplete="off" />}
        </Field>
      </div>
      <div class="row">
        <Field label="Department" error={form.error('department')}>
          {(p) => <input {...p} {...lock} value={f.department} onInput={set('department')} required />}
        </Field>
        <Field label="Title" error={form.error('title')}>
          {(p) => <input {...p} {...lock} value={f.title} onInput={set('title')} required />}
        </Field>
      </div>
      <div class="row">
        <Field label="Monthly salary" error={form.error('salary')} hint="gross, per month">
          {(p) => <input {...p} {...lock} value={f.salary} onInput={set('salary')} inputMode="decimal" placeholder="3500.00" required autoComplete="off" />}
        </Field>
        <Field label="Currency" error={form.error('currency')}>
          {(p) => <input {...p} {...lock} value={f.currency} onInput={set('currency')} maxLength={3} class="short" required />}
        </Field>
        <Field label="Hired on" error={form.error('hiredAt')}>
          {(p) => <input {...p} {...lock} type="date" value={f.hiredAt} onInput={set('hiredAt')} required />}
        </Field>
      </div>
      <div class="actions">
        <a class="button secondary" href={href('/employees')}>
          Back
        </a>
        {terminated ? null : (
          <button type="submit" disabled={form.busy}>
            Save
          </button>
        )}
      </div>
    </form>
  );
}
