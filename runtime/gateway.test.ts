import { describe, expect, it } from 'vitest';
import { buildGateway } from './gateway.js';

// A function between its death and its restart has no upstream: callers must get a retryable 503, not
// the 404 of a name that does not exist (the chaos suite's driver counted those as wrong answers).
describe('the gateway', () => {
  it('answers 503 not_ready for a function that is starting, 404 for an unknown name', async () => {
    const gateway = await buildGateway({ upstream: () => undefined, starting: (name) => name === 'create-order', waiting: () => ['create-order'] });
    try {
      const starting = await gateway.inject({ method: 'POST', url: '/function/create-order', payload: {} });
      expect([starting.statusCode, starting.json().error.code]).toEqual([503, 'not_ready']);
      const unknown = await gateway.inject({ method: 'POST', url: '/function/no-such', payload: {} });
      expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'not_found']);
      expect((await gateway.inject({ url: '/healthz' })).statusCode).toBe(503);
    } finally {
      await gateway.close();
    }
  });
});
