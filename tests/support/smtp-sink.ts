import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

// A real SMTP server on 127.0.0.1 and a random port (the `smtp-server` package), keeping every message
// it accepts as mailparser reads it. `refuseNext` makes it answer the next recipients with an SMTP
// error, as a mail server does for an unknown mailbox (550) or when it is busy (451).

export interface SmtpSink {
  port: number;
  env: Record<string, string>;
  received: ParsedMail[];
  /** The next `times` RCPT TO are refused with `code` and `text` (e.g. 550, '5.1.1 no such user'). */
  refuseNext: (code: number, text: string, times?: number) => void;
  close: () => Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ParsedMail[] = [];
  let refusals: { code: number; text: string }[] = [];
  const server = new SMTPServer({
    // Plain SMTP without sign-in on loopback (SMTP_SECURITY none): the TLS and AUTH paths are nodemailer's own.
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    onRcptTo(_address, _session, callback) {
      const refusal = refusals.shift();
      if (!refusal) return callback();
      callback(Object.assign(new Error(refusal.text), { responseCode: refusal.code }));
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    env: { SMTP_HOST: '127.0.0.1', SMTP_PORT: String(port), SMTP_SECURITY: 'none' },
    received,
    refuseNext: (code, text, times = 1) => {
      refusals = Array.from({ length: times }, () => ({ code, text }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
