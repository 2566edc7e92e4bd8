import { pino, type Logger } from 'pino';

// JSON lines on stdout; every request's child logger carries its correlation id.
export const rootLogger: Logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { fn: process.env.FUNCTION_NAME ?? undefined },
  // Pay fields never reach a log line, whoever the caller is.
  redact: { paths: ['*.salary', '*.*.salary', 'salary', 'authorization', '*.authorization'], censor: '[redacted]' },
});
export type { Logger };
