import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { commandRoles } from '../auth/permissions.js';
import type { MountContext, MountOperation } from '../http/definition.js';
import { parseInput } from '../http/errors-to-http.js';
import { idempotencyKey } from '../http/app.js';
import { runReminders, utcDay, type ReminderRunAnswer } from './reminders.js';

// POST /function/create-invoice/reminders: the reminder run (shared/billing/reminders.ts). A mount, not
// a command, because it is many transactions (one per invoice), not one unit of work: what is issued
// stays issued if a later invoice fails, and a repeated run is harmless by construction, so it needs
// no Idempotency-Key. Called daily by the connector's schedule (stack.yml `erpbi.schedule`), and on demand.
export const reminderRunners = commandRoles['create-invoice/reminders'];

const day = z.iso.date().refine((d) => !d.startsWith('0000'), 'a date from the year 0001 on');
/** `asOf`: the UTC day to run as; today when left out (another day catches up a missed one, or tests the policy). */
export const remindersBody = z.object({ asOf: day.optional() }).strict();

/** The run's answer (shared/billing/reminders.ts, ReminderRunAnswer). */
export const reminderRunAnswer = z.strictObject({
  asOf: z.iso.date(),
  /** Overdue invoices looked at. */
  examined: z.number().int(),
  issued: z.array(
    z.strictObject({
      reminderId: z.string(),
      number: z.string(),
      invoiceId: z.string(),
      invoiceNumber: z.string(),
      level: z.number().int(),
      fee: z.number().int(),
      currency: z.string(),
    }),
  ),
  /** Invoices whose transaction failed (logged; the next run tries them again). */
  failed: z.number().int(),
}) satisfies z.ZodType<ReminderRunAnswer>;

export const reminderOperations: MountOperation[] = [
  {
    method: 'POST',
    path: '/reminders',
    summary: 'Issue the reminder levels due on overdue invoices',
    description:
      'Each open or partially paid invoice with a balance gets its next reminder level when the company profile\'s policy says it is due on `asOf` (docs/rules.md, "Reminders"): one level at a time, each level once per invoice whatever runs it and however often. Each reminder is numbered REM-<year>-<6 digits>, its fee (if any) booked, and `reminder_issued` raised; render-document renders its PDF. Answers what it issued.',
    roles: reminderRunners,
    body: remindersBody,
    responses: {
      200: {
        description: 'the run: `{ asOf, examined, issued: [{ reminderId, number, invoiceId, invoiceNumber, level, fee, currency }], failed }`',
        mediaTypes: ['application/json'],
        schema: reminderRunAnswer,
      },
    },
  },
];

export function registerReminderRoutes(app: FastifyInstance, { deps, authorize }: MountContext) {
  app.post('/reminders', async (req) => {
    const actor = await authorize(req.headers.authorization, reminderRunners);
    // No key needed, but a malformed one is refused as on every other POST; a JSON `null` is not "no body".
    parseInput(idempotencyKey.optional(), req.headers['idempotency-key']);
    const input = parseInput(remindersBody, req.body === undefined ? {} : req.body);
    return runReminders(deps, { correlationId: req.id, causationId: null, actor: actor.sub }, input.asOf ?? utcDay(new Date()));
  });
}
