export const sql = `
create schema hr;
create table hr.employees (
  id text primary key,
  name text not null,
  email text not null,
  department text not null,
  title text not null,
  salary bigint not null check (salary > 0),
  currency char(3) not null,
  status text not null check (status in ('active', 'terminated')),
  hired_at date not null,
  terminated_at date,
  termination_reason text,
  version int not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (terminated_at is null or terminated_at >= hired_at),
  check ((status = 'terminated') = (terminated_at is not null))
);
-- A former employee's address may be reused by a new hire; two active employees may not share one.
create unique index employees_active_email on hr.employees (lower(email)) where status = 'active';
create index employees_department on hr.employees (department, name);

-- Every version of every employee, the first included: an update never loses the previous value.
create table hr.employee_history (
  employee_id text not null references hr.employees (id),
  version int not null,
  change text not null check (change in ('hired', 'updated', 'terminated')),
  changed_fields text[] not null,
  name text not null,
  email text not null,
  department text not null,
  title text not null,
  salary bigint not null,
  currency char(3) not null,
  status text not null,
  hired_at date not null,
  terminated_at date,
  termination_reason text,
  actor text not null,
  correlation_id text not null,
  recorded_at timestamptz not null default now(),
  primary key (employee_id, version)
);

-- Published for the query function; it selects the pay columns only for an admin.
create view hr.employee_directory as
  select id, name, email, department, title, salary, currency, status, hired_at, terminated_at, created_at, updated_at
  from hr.employees;
`;
