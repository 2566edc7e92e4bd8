import { createHarness, type Harness } from './harness.js';
import { startTestStorage, type TestStorage } from './object-storage.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

// What the document tests (invoices and credit notes e-mailed, reminders, purchase orders) run on: a
// harness whose render-document stores PDFs in a test S3 (s3rver) and mails through a real SMTP server
// that keeps what it receives. close() in afterAll stops all three.

export interface DocumentServices {
  h: Harness;
  storage: TestStorage;
  smtp: SmtpSink;
  close(): Promise<void>;
}

/** `env` (EMAIL_FROM...) is set, after the storage's and the SMTP server's own, before the harness starts: its functions read it then. */
export async function startDocumentServices(harnessName: string, env: Record<string, string>): Promise<DocumentServices> {
  let h: Harness | undefined;
  const [storage, smtp] = await Promise.all([startTestStorage(), startSmtpSink()]);
  const close = async () => {
    await h?.close();
    await Promise.all([storage.remove(), smtp.close()]);
  };
  Object.assign(process.env, storage.env, smtp.env, env);
  try {
    h = await createHarness(harnessName);
  } catch (e) {
    await close();
    throw e;
  }
  return { h, storage, smtp, close };
}
