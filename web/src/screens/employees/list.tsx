import { employeeStatuses } from '../../../../shared/domain/employee.js';
import { Field, valueOf } from '../../form.js';
import { href, replaceQuery, seg } from '../../router.js';
import type { ScreenProps } from '../../screen.js';
import { Day, Header, Money, PagedList, Status, TableWrap } from '../../ui.js';
import { useAllEmployees, useEmployees } from '../../hooks/employees.js';

// HR, the administrator's: who works here, in which department, since when, and for how much. Salary
// comes only in the administrator's answers; the columns follow what the answer holds.

export function EmployeesList({ query }: ScreenProps) {
  const department = query.get('department') ?? '';
  const status = query.get('status') ?? '';
  const list = useEmployees(department, status);
  // The departments to choose from: every one anyone has ever been in.
  const all = useAllEmployees();
  const departments = [...new Set((all.data ?? []).map((e) => e.department).concat(department ? [department] : []))].sort();
  const filter = (next: { department?: string; status?: string }) => {
    const v = { department, status, ...next };
    replaceQuery({ department: v.department || undefined, status: v.status || undefined });
  };
  return (
    <section>
      <Header title="Employees">
        <a class="button" href={href('/employees/new')}>
          Hire employee
        </a>
      </Header>
      <form class="filters" aria-label="Filter employees" onSubmit={(e) => e.preventDefault()}>
        <Field label="Department">
          {(p) => (
            <select {...p} value={department} onChange={(e) => filter({ department: valueOf(e) })}>
              <option value="">All departments</option>
              {departments.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Status">
          {(p) => (
            <select {...p} value={status} onChange={(e) => filter({ status: valueOf(e) })}>
              <option value="">Any status</option>
              {employeeStatuses.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          )}
        </Field>
      </form>
      <PagedList paged={list} empty={`No employees${department || status ? ' match these filters' : ' yet'}.`}>
        {(items) => {
          const pay = items.some((e) => e.salary !== undefined);
          return (
            <TableWrap label="Employees">
              <table>
                <caption class="sr-only">Employees</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Email</th>
                    <th scope="col">Department</th>
                    <th scope="col">Title</th>
                    <th scope="col">Status</th>
                    <th scope="col">Hired</th>
                    {pay ? (
                      <th scope="col" class="num">
                        Monthly salary
                      </th>
                    ) : null}
                  </tr>
                </thead>
                <tbody>
                  {items.map((e) => (
                    <tr key={e.id}>
                      <td>
                        <a href={href(`/employees/${seg(e.id)}`)}>{e.name}</a>
                      </td>
                      <td>{e.email}</td>
                      <td>{e.department}</td>
                      <td>{e.title}</td>
                      <td>
                        <Status status={e.status} />
                        {e.terminatedAt ? (
                          <>
                            {' '}
                            <span class="muted">
                              since <Day day={e.terminatedAt} />
                            </span>
                          </>
                        ) : null}
                      </td>
                      <td>
                        <Day day={e.hiredAt} />
                      </td>
                      {pay ? <td class="num">{e.salary !== undefined && e.currency ? <Money minor={e.salary} currency={e.currency} /> : null}</td> : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          );
        }}
      </PagedList>
    </section>
  );
}
