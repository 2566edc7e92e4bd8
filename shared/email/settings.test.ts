import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emailSettings, emailSummary } from './settings.js';
import { fromDomain } from './transport.js';

// E-mail is optional and read through the one config schema: off without SMTP_HOST, refused when half
// set, the password from the secret smtp-password (empty: no sign-in).
const dir = mkdtempSync(join(tmpdir(), 'erpbi-smtp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const none = join(dir, 'none');

describe('e-mail settings', () => {
  it('no SMTP_HOST: off, and npm start says so', () => {
    expect(emailSettings({ SECRETS_DIR: none, EMAIL_FROM: 'a@b.example' })).toBeUndefined();
    expect(emailSummary(undefined)).toMatch(/^e-mail off/);
  });

  it('a host with the defaults: port 587, STARTTLS required, no sign-in', () => {
    const s = emailSettings({ SECRETS_DIR: none, SMTP_HOST: 'smtp.example', EMAIL_FROM: 'Firm <billing@firm.example>' });
    expect(s).toEqual({ host: 'smtp.example', port: 587, security: 'starttls', auth: undefined, from: 'Firm <billing@firm.example>', replyTo: undefined });
    expect(emailSummary(s)).toBe('e-mail via smtp.example:587 (starttls) from Firm <billing@firm.example>');
  });

  it('refuses a half configuration with one message naming every problem', () => {
    expect(() => emailSettings({ SECRETS_DIR: none, SMTP_HOST: 'smtp.example', SMTP_USER: 'u' })).toThrow(
      'erpbi: bad configuration: EMAIL_FROM is required with SMTP_HOST; SMTP_PASSWORD (or the secret smtp-password) is required with SMTP_USER',
    );
    expect(() => emailSettings({ SECRETS_DIR: none, SMTP_HOST: 'h', EMAIL_FROM: 'a@b.example', SMTP_PORT: '99999' })).toThrow(/bad configuration: SMTP_PORT/);
    expect(() => emailSettings({ SECRETS_DIR: none, SMTP_HOST: 'h', EMAIL_FROM: 'a@b.example', SMTP_SECURITY: 'ssl' })).toThrow(
      /bad configuration: SMTP_SECURITY/,
    );
  });

  it('takes the password from the secret file before the environment; an empty file is no password', () => {
    const env = {
      SECRETS_DIR: dir,
      SMTP_HOST: 'h',
      SMTP_PORT: '465',
      SMTP_SECURITY: 'tls',
      SMTP_USER: 'billing',
      EMAIL_FROM: 'a@b.example',
      SMTP_PASSWORD: 'from-env',
    };
    writeFileSync(join(dir, 'smtp-password'), 's3cret\n');
    expect(emailSettings(env)).toMatchObject({ port: 465, security: 'tls', auth: { user: 'billing', pass: 's3cret' } });
    writeFileSync(join(dir, 'smtp-password'), '');
    expect(() => emailSettings(env)).toThrow(/SMTP_PASSWORD \(or the secret smtp-password\) is required with SMTP_USER/);
    const { SMTP_USER: _user, ...anonymous } = env;
    expect(emailSettings(anonymous)?.auth).toBeUndefined();
  });

  it("names our Message-IDs after the From address's domain", () => {
    expect(fromDomain('Kaffee GmbH <billing@roesterei.example>')).toBe('roesterei.example');
    expect(fromDomain('billing@firm.example')).toBe('firm.example');
    expect(fromDomain('no address')).toBe('erpbi.invalid');
  });
});
