import { z } from 'zod';
import { currency, email, positiveMinorUnits, text } from './common.js';

// Shared by the three HR commands so hire and update accept exactly the same values.
// Postgres has no year 0 and a 5-digit year is a typo: keep dates to years Postgres and people agree on.
export const isoDate = z.iso.date().refine((d) => d >= '1900-01-01' && d <= '2999-12-31', 'a date between 1900-01-01 and 2999-12-31');

export const employeeFields = {
  name: text(200),
  email,
  department: text(100),
  title: text(200),
  salary: positiveMinorUnits,
  currency,
  hiredAt: isoDate,
};
