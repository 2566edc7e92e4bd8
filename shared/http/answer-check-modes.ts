/** What a function does with a success answer that does not match its schema (CHECK_ANSWERS, shared/config.ts). */
export const answerChecks = ['off', 'log', 'refuse'] as const;
export type AnswerCheck = (typeof answerChecks)[number];
