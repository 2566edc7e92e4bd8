import { useState } from 'preact/hooks';
import type { ScreenProps } from '../../screen.js';
import { Day, Header, Show, Status } from '../../ui.js';
import { EmployeeForm } from './form.js';
import { TerminateDialog } from './terminate.js';
import { useEmployee } from '../../hooks/employees.js';

/** #/employees/new hires; #/employees/<id> edits, and terminates an active employee. */
export function EmployeeEdit({ params }: ScreenProps) {
  const id = params.id;
  const existing = useEmployee(id);
  const [terminating, setTerminating] = useState(false);
  const [done, setDone] = useState<string>();
  const e = existing.data;
  if (!id) {
    return (
      <section>
        <Header title="Hire employee" />
        <EmployeeForm />
      </section>
    );
  }
  return (
    <section>
      <Header title={e?.name ?? 'Employee'}>
        {e?.status === 'active' ? (
          <button type="button" class="danger" onClick={() => (setTerminating(true), setDone(undefined))}>
            Terminate
          </button>
        ) : null}
      </Header>
      {done ? (
        <p role="status" class="hint">
          {done}
        </p>
      ) : null}
      <Show loaded={existing}>
        {(emp) =>
          emp ? (
            <>
              <p>
                <Status status={emp.status} />{' '}
                <span class="muted">
                  since <Day day={emp.terminatedAt ?? emp.hiredAt} />
                </span>
              </p>
              {/* Remounted when the record changes so "what changed" is always measured against the stored values. */}
              <EmployeeForm key={JSON.stringify(emp)} employee={emp} onSaved={() => (setDone('Saved.'), existing.reload())} />
              {emp.status === 'active' ? (
                <TerminateDialog
                  employee={emp}
                  open={terminating}
                  onClose={() => setTerminating(false)}
                  onDone={(t) => {
                    setTerminating(false);
                    setDone(`${t.name} is terminated; the last day is ${t.terminatedAt}.`);
                    existing.reload();
                  }}
                />
              ) : null}
            </>
          ) : null
        }
      </Show>
    </section>
  );
}
