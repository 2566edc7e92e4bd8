import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { EmailSettings } from './settings.js';

// Sending one message over SMTP with nodemailer. What the server answered is the outcome, as a value:
// a delivery records it either way (docs/rules.md, "E-mail").

export interface Attachment {
  filename: string;
  content: Uint8Array;
  contentType: string;
}

export interface Message {
  to: string;
  subject: string;
  text: string;
  /** Ours, fixed per delivery: a message sent again after a crash carries the same one (docs/rules.md). */
  messageId: string;
  attachments: Attachment[];
}

export type SendOutcome =
  | { sent: true; messageId: string; response: string }
  /** `permanent`: the server answered 5xx (the address or the message is refused; sending again alone will
   *  not help); otherwise a 4xx, a timeout or no server at all. `response`: the server's own words. */
  | { sent: false; permanent: boolean; response: string };

const transports = new Map<string, Transporter<SMTPTransport.SentMessageInfo>>();

function transportFor(s: EmailSettings): Transporter<SMTPTransport.SentMessageInfo> {
  const key = JSON.stringify(s);
  let t = transports.get(key);
  if (!t) {
    t = nodemailer.createTransport({
      host: s.host,
      port: s.port,
      secure: s.security === 'tls',
      requireTLS: s.security === 'starttls',
      ignoreTLS: s.security === 'none',
      auth: s.auth,
      // The reaction holds its transaction while it sends, and the connector gives up on an answer after 30 s.
      connectionTimeout: 8_000,
      greetingTimeout: 8_000,
      socketTimeout: 15_000,
    });
    transports.set(key, t);
  }
  return t;
}

/** The domain of the From address, for our Message-IDs (RFC 5322 wants the right side to be ours). */
export function fromDomain(from: string): string {
  return /@([A-Za-z0-9.-]+)>?\s*$/.exec(from)?.[1] ?? 'erpbi.invalid';
}

export async function sendMessage(s: EmailSettings, m: Message): Promise<SendOutcome> {
  try {
    const info = await transportFor(s).sendMail({
      from: s.from,
      replyTo: s.replyTo,
      to: m.to,
      subject: m.subject,
      text: m.text,
      messageId: m.messageId,
      attachments: m.attachments.map((a) => ({ filename: a.filename, content: Buffer.from(a.content), contentType: a.contentType })),
    });
    // Every recipient refused is an error above; one of one accepted is the only other case we send.
    return { sent: true, messageId: info.messageId, response: info.response };
  } catch (err) {
    const e = err as { response?: unknown; responseCode?: unknown; code?: unknown; message?: unknown };
    const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
    const response =
      typeof e.response === 'string' && e.response ? e.response : `${typeof e.code === 'string' ? `${e.code}: ` : ''}${String(e.message ?? err)}`;
    return { sent: false, permanent: code !== undefined && code >= 500, response: response.slice(0, 1000) };
  }
}
