import { z } from 'zod';
import { employeeFields } from '../../shared/schemas/employee.js';

export const body = z.object({ ...employeeFields, hiredAt: employeeFields.hiredAt.optional() }).strict();
