import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppError, errorCatalogue, errorKinds, httpStatus } from './errors.js';
import { toHttp } from './http/errors-to-http.js';

describe('error catalogue', () => {
  it('maps every code to a 4xx/5xx status through its kind', () => {
    for (const code of Object.keys(errorCatalogue) as (keyof typeof errorCatalogue)[]) {
      const status = httpStatus(code);
      expect(Object.values(errorKinds)).toContain(status);
      expect(status).toBeGreaterThanOrEqual(400);
    }
  });

  it('documents every code in docs/api.md', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', 'docs', 'api.md'), 'utf8');
    for (const code of Object.keys(errorCatalogue)) expect(doc, `docs/api.md lacks ${code}`).toContain(`\`${code}\``);
  });

  it('turns an unknown error into a plain 500 that echoes nothing', () => {
    const r = toHttp(new Error('connection to 10.0.0.5 refused: password=secret'));
    expect(r.status).toBe(500);
    expect(JSON.stringify(r.body)).not.toContain('secret');
    expect(r.unexpected).toBe(true);
  });

  it('keeps the code, message and details of a known error', () => {
    expect(toHttp(new AppError('overpayment', 'too much', { balance: 5 }))).toMatchObject({
      status: 422,
      body: { error: { code: 'overpayment', message: 'too much', details: { balance: 5 } } },
    });
  });
});
