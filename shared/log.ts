import { pino, type Logger } from 'pino';
import { readConfig } from './config.js';

// JSON lines on stdout; every request's child logger carries its correlation id.
const { LOG_LEVEL, FUNCTION_NAME } = readConfig(['LOG_LEVEL', 'FUNCTION_NAME']);
export const rootLogger: Logger = pino({
  level: LOG_LEVEL,
  base: { fn: FUNCTION_NAME },
  // Pay fields never reach a log line, whoever the caller is.
  redact: { paths: ['*.salary', '*.*.salary', 'salary', 'authorization', '*.authorization'], censor: '[redacted]' },
});
export type { Logger };
