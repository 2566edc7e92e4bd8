import { z } from 'zod';

/** What every event reaction answers the connector (shared/http/app.ts): whether this delivery took effect. */
export const reactionAnswer = z.strictObject({ outcome: z.enum(['applied', 'duplicate']) });
