import { readConfig } from '../config.js';

// E-mail is optional: a box without SMTP_HOST runs everything else, and a send answers 503
// email_not_configured with nothing written. Read at use, like the company profile: the same settings
// give the same transport (shared/email/transport.ts caches it), and a test may point a process at
// another server.

const keys = ['SMTP_HOST', 'SMTP_PORT', 'SMTP_SECURITY', 'SMTP_USER', 'SMTP_PASSWORD', 'EMAIL_FROM', 'EMAIL_REPLY_TO'] as const;

export interface EmailSettings {
  host: string;
  port: number;
  security: 'starttls' | 'tls' | 'none';
  auth?: { user: string; pass: string } | undefined;
  from: string;
  replyTo?: string | undefined;
}

/** The SMTP settings, or undefined when e-mail is off (no SMTP_HOST). Throws `erpbi: bad configuration`
 *  for a half-configured server (a host without a From, a user without the secret smtp-password). */
export function emailSettings(env: NodeJS.ProcessEnv = process.env): EmailSettings | undefined {
  const c = readConfig(keys, { env });
  if (!c.SMTP_HOST) return undefined;
  const problems = [
    ...(c.EMAIL_FROM ? [] : ['EMAIL_FROM is required with SMTP_HOST']),
    ...(c.SMTP_USER && !c.SMTP_PASSWORD ? ['SMTP_PASSWORD (or the secret smtp-password) is required with SMTP_USER'] : []),
  ];
  if (problems.length > 0) throw new Error(`erpbi: bad configuration: ${problems.join('; ')}`);
  return {
    host: c.SMTP_HOST,
    port: c.SMTP_PORT,
    security: c.SMTP_SECURITY,
    auth: c.SMTP_USER ? { user: c.SMTP_USER, pass: c.SMTP_PASSWORD! } : undefined,
    from: c.EMAIL_FROM!,
    replyTo: c.EMAIL_REPLY_TO,
  };
}

/** One line for a person starting the box: where mail goes, or that it is off. */
export function emailSummary(s: EmailSettings | undefined): string {
  if (!s) return 'e-mail off (set SMTP_HOST and EMAIL_FROM to send invoices to customers)';
  return `e-mail via ${s.host}:${s.port} (${s.security}) from ${s.from}`;
}
